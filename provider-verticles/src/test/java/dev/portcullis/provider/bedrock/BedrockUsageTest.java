package dev.portcullis.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.provider.usage.UsageObserver;
import dev.portcullis.testkit.BedrockWire;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Bedrock reports cache reads and writes apart from its input count, under several spellings:
 * every reader adds them into the input and reports them as cached input and cache writes.
 */
class BedrockUsageTest {

  private static final String MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0";

  private static Usage read(String json) {
    return BedrockUsageReader.read(json.getBytes(StandardCharsets.UTF_8)).withModelIfAbsent(MODEL);
  }

  /** Feeds the frames in pieces of every size given, and checks each run reads {@code expected}. */
  private static void assertStreamReads(java.util.function.Supplier<UsageObserver> observers, Buffer frames,
      Usage expected) {
    for (int piece : new int[] {1, 7, 64, frames.length()}) {
      UsageObserver observer = observers.get();
      for (int offset = 0; offset < frames.length(); offset += piece) {
        observer.onData(frames.getBuffer(offset, Math.min(frames.length(), offset + piece)));
      }
      assertThat(observer.usage()).as("pieces of %d bytes", piece).isEqualTo(expected);
    }
  }

  @Test
  void converseAddsCacheReadsAndWritesToTheInput() {
    String answer = "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"ok\"}]}},"
        + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":30,\"outputTokens\":12,\"totalTokens\":1542,"
        + "\"cacheReadInputTokens\":1024,\"cacheWriteInputTokens\":476},\"metrics\":{\"latencyMs\":812}}";
    assertThat(read(answer)).isEqualTo(new Usage(MODEL, 1530, 12, 1024, 476, -1));
  }

  @Test
  void converseWithoutCacheCountsLeavesThemUnknown() {
    assertThat(read(BedrockWire.converse("ok", 11, 4))).isEqualTo(new Usage(MODEL, 11, 4, -1, -1, -1));
  }

  @Test
  void converseStreamTakesTheCacheCountsOfItsMetadataEvent() {
    Buffer frames = BedrockWire.concat(List.of(
        BedrockWire.event("messageStart", new JsonObject().put("role", "assistant")),
        BedrockWire.event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
            .put("delta", new JsonObject().put("text", "Hi"))),
        BedrockWire.event("messageStop", new JsonObject().put("stopReason", "end_turn")),
        BedrockWire.event("metadata", new JsonObject()
            .put("usage", new JsonObject().put("inputTokens", 9).put("outputTokens", 5).put("totalTokens", 2014)
                .put("cacheReadInputTokens", 0).put("cacheWriteInputTokens", 2000))
            .put("metrics", new JsonObject().put("latencyMs", 321)))));
    assertStreamReads(() -> new ConverseStreamUsageObserver(MODEL), frames, new Usage(MODEL, 2009, 5, 0, 2000, -1));
  }

  @Test
  void invokeModelReadsAnthropicsCacheCounts() {
    String answer = "{\"id\":\"msg_bdrk_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\","
        + "\"content\":[{\"type\":\"text\",\"text\":\"ok\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,"
        + "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":95500,"
        + "\"output_tokens\":40}}";
    assertThat(read(answer)).isEqualTo(new Usage(MODEL, 95503, 40, 95500, 0, -1));
  }

  @Test
  void invokeModelReadsNovasCacheCounts() {
    String answer = "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":[{\"text\":\"ok\"}]}},"
        + "\"stopReason\":\"end_turn\",\"usage\":{\"inputTokens\":11,\"outputTokens\":10,\"totalTokens\":621,"
        + "\"cacheReadInputTokenCount\":600,\"cacheWriteInputTokenCount\":0}}";
    assertThat(read(answer)).isEqualTo(new Usage(MODEL, 611, 10, 600, 0, -1));
  }

  /** An Anthropic answer streamed by InvokeModelWithResponseStream, Bedrock's metrics on its last chunk. */
  private static List<Buffer> anthropicInvokeStream(boolean withMetrics) {
    String metrics = withMetrics ? ",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":3,\"outputTokenCount\":13,"
        + "\"invocationLatency\":3037,\"firstByteLatency\":2635,\"cacheReadInputTokenCount\":100,"
        + "\"cacheWriteInputTokenCount\":25037}" : "";
    return List.of(
        BedrockWire.invokeChunk("{\"type\":\"message_start\",\"message\":{\"id\":\"msg_bdrk_1\",\"type\":\"message\","
            + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":[],\"stop_reason\":null,"
            + "\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":25037,\"cache_read_input_tokens\":100,"
            + "\"output_tokens\":2}}}"),
        BedrockWire.invokeChunk("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
        BedrockWire.invokeChunk("{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}"),
        BedrockWire.invokeChunk("{\"type\":\"content_block_stop\",\"index\":0}"),
        BedrockWire.invokeChunk("{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},"
            + "\"usage\":{\"output_tokens\":13}}"),
        BedrockWire.invokeChunk("{\"type\":\"message_stop\"" + metrics + "}"));
  }

  @Test
  void invokeModelWithResponseStreamReadsTheInvocationMetricsOfItsLastChunk() {
    assertStreamReads(() -> new InvokeStreamUsageObserver(MODEL),
        BedrockWire.concat(anthropicInvokeStream(true)), new Usage(MODEL, 25140, 13, 100, 25037, -1));
  }

  @Test
  void withoutInvocationMetricsAnthropicsOwnStreamUsageStandsIn() {
    assertStreamReads(() -> new InvokeStreamUsageObserver(MODEL),
        BedrockWire.concat(anthropicInvokeStream(false)), new Usage(MODEL, 25140, 13, 100, 25037, -1));
  }

  @Test
  void anyModelsInvokeStreamIsReadFromTheInvocationMetrics() {
    // Llama and friends report nothing Bedrock-wide in their own events; the metrics do. Padding
    // fields next to "bytes" are passed over.
    Buffer paddedChunk = BedrockWire.event("chunk", new JsonObject()
        .put("bytes", Base64.getEncoder().encodeToString("{\"generation\":\"Hi\",\"stop_reason\":null}".getBytes()))
        .put("p", "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ"));
    Buffer frames = BedrockWire.concat(List.of(paddedChunk,
        BedrockWire.invokeChunk("{\"generation\":\"\",\"prompt_token_count\":null,\"generation_token_count\":7,"
            + "\"stop_reason\":\"stop\",\"amazon-bedrock-invocationMetrics\":{\"inputTokenCount\":18,"
            + "\"outputTokenCount\":7,\"invocationLatency\":412,\"firstByteLatency\":201}}")));
    assertStreamReads(() -> new InvokeStreamUsageObserver("meta.llama3-70b-instruct-v1:0"), frames,
        new Usage("meta.llama3-70b-instruct-v1:0", 18, 7, -1, -1, -1));
  }

  @Test
  void anInvokeStreamThatIsNotAnEventStreamOrIsCutEarlyHasNoUsage() {
    InvokeStreamUsageObserver garbage = new InvokeStreamUsageObserver("m");
    garbage.onData(Buffer.buffer("{\"message\":\"not a stream\"}"));
    assertThat(garbage.usage().known()).isFalse();

    Buffer frames = BedrockWire.concat(anthropicInvokeStream(true));
    InvokeStreamUsageObserver cut = new InvokeStreamUsageObserver("m");
    cut.onData(frames.getBuffer(0, 10));
    assertThat(cut.usage().known()).isFalse();
  }

  @Test
  void aChunkThatIsNotBase64JsonIsPassedOver() {
    Buffer frames = BedrockWire.concat(List.of(
        BedrockWire.event("chunk", new JsonObject().put("bytes", "%%% not base64 %%%")),
        BedrockWire.invokeChunk("not json, \"usage\" though"),
        BedrockWire.event("chunk", new JsonObject().put("bytes", 42)),
        BedrockWire.invokeChunk("{\"type\":\"message_stop\",\"amazon-bedrock-invocationMetrics\":"
            + "{\"inputTokenCount\":5,\"outputTokenCount\":2}}")));
    assertStreamReads(() -> new InvokeStreamUsageObserver("m"), frames, new Usage("m", 5, 2, -1, -1, -1));
  }

  private static ProxyRequest request(Operation operation, String model) {
    return ProxyRequest.builder().provider("bedrock").operation(operation.wireName()).method("POST")
        .path("/model/" + model + "/" + operation.wireName()).model(model).build();
  }

  private static MultiMap headers(String... namesAndValues) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      headers.add(namesAndValues[i], namesAndValues[i + 1]);
    }
    return headers;
  }

  @Test
  void invokeModelFallsBackOnItsTokenCountHeaders() {
    String llama = "{\"generation\":\"Hi\",\"prompt_token_count\":18,\"generation_token_count\":7,\"stop_reason\":\"stop\"}";
    MultiMap counts = headers("X-Amzn-Bedrock-Input-Token-Count", "18", "X-Amzn-Bedrock-Output-Token-Count", "7",
        "X-Amzn-Bedrock-Invocation-Latency", "412", "x-amzn-requestid", "r1");
    assertThat(BedrockProviderVerticle.USAGE.read(request(Operation.INVOKE, "meta.llama3-70b-instruct-v1:0"), counts,
        Buffer.buffer(llama))).isEqualTo(new Usage("meta.llama3-70b-instruct-v1:0", 18, 7, -1, -1, -1));

    MultiMap cached = headers("x-amzn-bedrock-input-token-count", "3", "x-amzn-bedrock-output-token-count", "40",
        "x-amzn-bedrock-cache-read-input-token-count", "95500", "x-amzn-bedrock-cache-write-input-token-count", "12");
    assertThat(BedrockProviderVerticle.USAGE.read(request(Operation.INVOKE, "m"), cached, Buffer.buffer("{\"x\":1}")))
        .isEqualTo(new Usage("m", 95515, 40, 95500, 12, -1));
  }

  @Test
  void invokeModelPrefersItsBodyAndOtherOperationsIgnoreTheHeaders() {
    MultiMap counts = headers("x-amzn-bedrock-input-token-count", "999", "x-amzn-bedrock-output-token-count", "999");
    String anthropic = "{\"type\":\"message\",\"usage\":{\"input_tokens\":3,\"output_tokens\":4}}";
    assertThat(BedrockProviderVerticle.USAGE.read(request(Operation.INVOKE, "m"), counts, Buffer.buffer(anthropic)))
        .isEqualTo(new Usage("m", 3, 4, -1, -1, -1));
    assertThat(BedrockProviderVerticle.USAGE.read(request(Operation.CONVERSE, "m"), counts, Buffer.buffer("{}")).known())
        .isFalse();
    assertThat(BedrockProviderVerticle.USAGE.read(request(Operation.INVOKE, "m"),
        headers("x-amzn-bedrock-input-token-count", "many"), Buffer.buffer("{}")).known()).isFalse();
  }
}
