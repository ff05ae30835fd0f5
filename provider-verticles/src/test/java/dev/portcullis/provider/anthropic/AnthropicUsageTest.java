package dev.portcullis.provider.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.testkit.AnthropicWire;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnthropicUsageTest {

  @Test
  void aMessageCountsCachedInputWithTheRest() {
    Usage usage = AnthropicUsageReader.read(
        AnthropicWire.messageWithCache("claude-x", "hi", 10, 5, 20, 7).getBytes(StandardCharsets.UTF_8));
    assertThat(usage).isEqualTo(new Usage("claude-x", 35, 7));
  }

  @Test
  void notAMessageIsUnknown() {
    assertThat(AnthropicUsageReader.read("not json".getBytes(StandardCharsets.UTF_8))).isEqualTo(Usage.UNKNOWN);
  }

  @Test
  void aStreamTakesTheModelFromMessageStartAndTheLastCumulativeDelta() {
    AnthropicStreamUsageObserver observer = new AnthropicStreamUsageObserver();
    StringBuilder sse = new StringBuilder();
    for (String[] event : AnthropicWire.textStream("claude-s", List.of("a", "b"), 25, 3)) {
      sse.append("event: ").append(event[0]).append("\ndata: ").append(event[1]).append("\n\n");
    }
    sse.insert(sse.indexOf("event: message_stop"), "event: message_delta\ndata: "
        + AnthropicWire.messageDelta("end_turn", 25, 9)[1] + "\n\n");
    byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);
    // Split in awkward places, as TCP may.
    for (int i = 0; i < bytes.length; i += 7) {
      observer.onData(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 7))));
    }
    assertThat(observer.usage()).isEqualTo(new Usage("claude-s", 25, 9));
  }

  @Test
  void aMessageDeltaWithoutInputKeepsTheInputOfMessageStart() {
    AnthropicStreamUsageObserver observer = new AnthropicStreamUsageObserver();
    observer.onData(Buffer.buffer("event: message_start\ndata: " + AnthropicWire.messageStart("m", 40)[1] + "\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
        + "\"usage\":{\"output_tokens\":15}}\n\n"));
    assertThat(observer.usage()).isEqualTo(new Usage("m", 40, 15));
  }
}
