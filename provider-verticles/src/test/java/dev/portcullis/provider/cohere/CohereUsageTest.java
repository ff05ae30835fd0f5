package dev.portcullis.provider.cohere;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.testkit.CohereWire;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CohereUsageTest {

  @Test
  void tokensArePreferredAndBilledUnitsAreTheFallback() {
    assertThat(CohereUsageReader.read(CohereWire.chat("hi", 12, 6).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Usage(null, 212, 6));
    assertThat(CohereUsageReader.read(CohereWire.chatBilledOnly("hi", 30, 4).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Usage(null, 30, 4));
    assertThat(CohereUsageReader.read(CohereWire.toolCallChat("get_weather", "{\"city\":\"Paris\"}")
        .getBytes(StandardCharsets.UTF_8))).isEqualTo(new Usage(null, 950, 40));
  }

  @Test
  void aStreamReportsUsageInMessageEndOnly() {
    CohereStreamUsageObserver observer = new CohereStreamUsageObserver();
    StringBuilder sse = new StringBuilder();
    for (String[] event : CohereWire.textStream(List.of("a", "b"), 9, 3)) {
      sse.append("event: ").append(event[0]).append("\ndata: ").append(event[1]).append("\n\n");
    }
    byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 5) {
      observer.onData(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 5))));
    }
    assertThat(observer.usage()).isEqualTo(new Usage(null, 209, 3));
  }

  @Test
  void aStreamWithoutEventNamesIsReadByType() {
    CohereStreamUsageObserver observer = new CohereStreamUsageObserver();
    String end = CohereWire.textStream(List.of(), 4, 2).get(3)[1];
    observer.onData(Buffer.buffer("data: " + end + "\n\n"));
    assertThat(observer.usage()).isEqualTo(new Usage(null, 204, 2));
  }

  @Test
  void cachedTokensAreTheCachedInputAndTheirAbsenceLeavesItUnknown() {
    String chat = "{\"id\":\"c1\",\"finish_reason\":\"COMPLETE\",\"message\":{\"role\":\"assistant\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}]},\"usage\":{\"billed_units\":{\"input_tokens\":1200,"
        + "\"output_tokens\":5},\"tokens\":{\"input_tokens\":1410,\"output_tokens\":6},\"cached_tokens\":1024}}";
    assertThat(CohereUsageReader.read(chat.getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Usage(null, 1410, 6, 1024, -1, -1));
    assertThat(CohereUsageReader.read(CohereWire.chat("hi", 12, 6).getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(new Usage(null, 212, 6, -1, -1, -1));
  }

  @Test
  void aStreamTakesCachedTokensFromMessageEnd() {
    CohereStreamUsageObserver observer = new CohereStreamUsageObserver();
    observer.onData(Buffer.buffer("event: message-start\ndata: {\"id\":\"m1\",\"type\":\"message-start\","
        + "\"delta\":{\"message\":{\"role\":\"assistant\"}}}\n\n"
        + "event: message-end\ndata: {\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\","
        + "\"usage\":{\"billed_units\":{\"input_tokens\":900,\"output_tokens\":3},"
        + "\"tokens\":{\"input_tokens\":1100,\"output_tokens\":3},\"cached_tokens\":768}}}\n\n"));
    assertThat(observer.usage()).isEqualTo(new Usage(null, 1100, 3, 768, -1, -1));
  }
}
