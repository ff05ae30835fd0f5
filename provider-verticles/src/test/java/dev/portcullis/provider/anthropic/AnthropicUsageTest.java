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
    assertThat(usage).isEqualTo(new Usage("claude-x", 35, 7, 20, 5, -1));
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
    assertThat(observer.usage()).isEqualTo(new Usage("claude-s", 25, 9, 0, 0, -1));
  }

  @Test
  void aMessageDeltaWithoutInputKeepsTheInputOfMessageStart() {
    AnthropicStreamUsageObserver observer = new AnthropicStreamUsageObserver();
    observer.onData(Buffer.buffer("event: message_start\ndata: " + AnthropicWire.messageStart("m", 40)[1] + "\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
        + "\"usage\":{\"output_tokens\":15}}\n\n"));
    assertThat(observer.usage()).isEqualTo(new Usage("m", 40, 15, 0, 0, -1));
  }

  @Test
  void aMessageWithoutCacheCountsLeavesThemUnknown() {
    Usage usage = AnthropicUsageReader.read(Buffer.buffer("{\"id\":\"msg_1\",\"type\":\"message\",\"model\":\"claude-2.1\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],\"usage\":{\"input_tokens\":12,\"output_tokens\":4}}"));
    assertThat(usage).isEqualTo(new Usage("claude-2.1", 12, 4, -1, -1, -1));
  }

  @Test
  void aMessageWithThinkingReportsItsCacheCountsAndNoReasoningCount() {
    // Thinking is billed within output_tokens; Anthropic does not say how much of it was thinking.
    Usage usage = AnthropicUsageReader.read(Buffer.buffer("{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
        + "\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"thinking\",\"thinking\":\"Let me see.\","
        + "\"signature\":\"EqQB\"},{\"type\":\"text\",\"text\":\"4\"}],\"stop_reason\":\"end_turn\","
        + "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":1200,\"cache_read_input_tokens\":8000,"
        + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":1200,\"ephemeral_1h_input_tokens\":0},"
        + "\"output_tokens\":310,\"service_tier\":\"standard\"}}"));
    assertThat(usage).isEqualTo(new Usage("claude-sonnet-4-5", 9203, 310, 8000, 1200, -1));
  }

  @Test
  void aStreamTakesCacheCountsFromMessageStartAndTheirRevisionsFromMessageDelta() {
    AnthropicStreamUsageObserver observer = new AnthropicStreamUsageObserver();
    String sse = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\","
        + "\"role\":\"assistant\",\"model\":\"claude-opus-4-1\",\"content\":[],\"stop_reason\":null,"
        + "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":25037,\"cache_read_input_tokens\":0,"
        + "\"output_tokens\":2}}}\n\n"
        + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},"
        + "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":25037,\"cache_read_input_tokens\":100,"
        + "\"output_tokens\":13}}\n\n"
        + "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    byte[] bytes = sse.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i += 11) {
      observer.onData(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + 11))));
    }
    assertThat(observer.usage()).isEqualTo(new Usage("claude-opus-4-1", 25140, 13, 100, 25037, -1));
  }

  @Test
  void aStreamWithoutCacheCountsLeavesThemUnknown() {
    AnthropicStreamUsageObserver observer = new AnthropicStreamUsageObserver();
    observer.onData(Buffer.buffer("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"m\","
        + "\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}\n\n"
        + "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{},\"usage\":{\"output_tokens\":4}}\n\n"));
    assertThat(observer.usage()).isEqualTo(new Usage("m", 9, 4, -1, -1, -1));
  }
}
