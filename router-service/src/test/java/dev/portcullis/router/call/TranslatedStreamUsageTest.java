package dev.portcullis.router.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.stream.eventstream.EventStreamEncoder;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.TranslatorRegistry;
import dev.portcullis.router.translate.openai.CountingIds;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * What a translated stream of the model router reports: the usage the gateway records for the call
 * (END's usage) carries the cache and reasoning counts of the native stream, and the OpenAI usage
 * chunk the client reads has {@code prompt_tokens_details.cached_tokens} and
 * {@code completion_tokens_details.reasoning_tokens} where the provider reported them, and leaves
 * them out where it did not.
 */
class TranslatedStreamUsageTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private record Outcome(Usage recorded, JsonNode usageChunk) {}

  /** Runs {@code stream} through the router's translating transform, as a chat stream with include_usage. */
  private static Outcome translate(ProviderDescriptor provider, Buffer stream) throws Exception {
    var translator = TranslatorRegistry.standard(new CountingIds()).require(provider.name())
        .newStreamTranslator(new ResponseContext("m", "chatcmpl-1", 5, true));
    TranslatingTransform transform = new TranslatingTransform(new NativeChunkSource(provider, translator),
        new ChatChunkSink(), "m");
    Buffer out = Buffer.buffer();
    // Small pieces, as TCP may cut them.
    for (int offset = 0; offset < stream.length(); offset += 17) {
      out.appendBuffer(transform.onData(stream.getBuffer(offset, Math.min(stream.length(), offset + 17))));
    }
    out.appendBuffer(transform.onEnd());
    JsonNode usageChunk = null;
    for (String event : out.toString(StandardCharsets.UTF_8).split("\n\n")) {
      String data = event.substring("data: ".length());
      if (!data.equals("[DONE]")) {
        JsonNode chunk = MAPPER.readTree(data);
        if (chunk.path("choices").isEmpty() && chunk.has("usage")) {
          usageChunk = chunk.get("usage");
        }
      }
    }
    return new Outcome(transform.usage(Usage.UNKNOWN), usageChunk);
  }

  private static Buffer sse(String text) {
    return Buffer.buffer(text.stripIndent());
  }

  private static Buffer bedrockEvent(String type, String payload) {
    return EventStreamEncoder.encode(EventStreamMessage.event(type, Buffer.buffer(payload)));
  }

  @Test
  void anthropicCacheReadsAndWrites() throws Exception {
    Outcome outcome = translate(NativeProviders.ANTHROPIC, sse("""
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","model":"claude-x","content":[],"usage":{"input_tokens":3,"cache_creation_input_tokens":1200,"cache_read_input_tokens":8000,"output_tokens":1}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hi"}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":42}}

        event: message_stop
        data: {"type":"message_stop"}

        """));
    assertThat(outcome.recorded()).isEqualTo(new Usage("claude-x", 9203, 42, 8000, 1200, -1));
    assertThat(outcome.usageChunk()).isEqualTo(MAPPER.readTree("""
        {"prompt_tokens":9203,"completion_tokens":42,"total_tokens":9245,"prompt_tokens_details":{"cached_tokens":8000}}"""));
  }

  @Test
  void anthropicWithoutCacheCounts() throws Exception {
    Outcome outcome = translate(NativeProviders.ANTHROPIC, sse("""
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_1","model":"claude-x","content":[],"usage":{"input_tokens":10,"output_tokens":1}}}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":4}}

        """));
    assertThat(outcome.recorded()).isEqualTo(new Usage("claude-x", 10, 4, -1, -1, -1));
    assertThat(outcome.usageChunk()).isEqualTo(MAPPER.readTree("""
        {"prompt_tokens":10,"completion_tokens":4,"total_tokens":14}"""));
  }

  @Test
  void geminiCachedContentAndThoughts() throws Exception {
    Outcome outcome = translate(NativeProviders.GEMINI, sse("""
        data: {"candidates":[{"content":{"parts":[{"text":"hm","thought":true}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":12040,"cachedContentTokenCount":11900,"thoughtsTokenCount":300,"totalTokenCount":12340},"modelVersion":"gemini-2.5-pro","responseId":"r1"}

        data: {"candidates":[{"content":{"parts":[{"text":"Paris."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":12040,"candidatesTokenCount":57,"cachedContentTokenCount":11900,"thoughtsTokenCount":383,"totalTokenCount":12480},"modelVersion":"gemini-2.5-pro","responseId":"r1"}

        """));
    assertThat(outcome.recorded()).isEqualTo(new Usage("gemini-2.5-pro", 12040, 440, 11900, -1, 383));
    assertThat(outcome.usageChunk()).isEqualTo(MAPPER.readTree("""
        {"prompt_tokens":12040,"completion_tokens":440,"total_tokens":12480,
         "prompt_tokens_details":{"cached_tokens":11900},"completion_tokens_details":{"reasoning_tokens":383}}"""));
  }

  @Test
  void geminiWithoutCacheOrThoughts() throws Exception {
    Outcome outcome = translate(NativeProviders.GEMINI, sse("""
        data: {"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash","responseId":"r1"}

        """));
    assertThat(outcome.recorded()).isEqualTo(new Usage("gemini-2.0-flash", 5, 3, -1, -1, -1));
    assertThat(outcome.usageChunk()).isEqualTo(MAPPER.readTree("""
        {"prompt_tokens":5,"completion_tokens":3,"total_tokens":8}"""));
  }

  @Test
  void cohereCachedTokens() throws Exception {
    Outcome outcome = translate(NativeProviders.COHERE, sse("""
        event: message-start
        data: {"id":"co-1","type":"message-start","delta":{"message":{"role":"assistant"}}}

        event: content-delta
        data: {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"ok"}}}}

        event: message-end
        data: {"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":900,"output_tokens":3},"tokens":{"input_tokens":1100,"output_tokens":3},"cached_tokens":768}}}

        """));
    assertThat(outcome.recorded()).isEqualTo(new Usage("m", 1100, 3, 768, -1, -1));
    assertThat(outcome.usageChunk()).isEqualTo(MAPPER.readTree("""
        {"prompt_tokens":1100,"completion_tokens":3,"total_tokens":1103,"prompt_tokens_details":{"cached_tokens":768}}"""));
  }

  @Test
  void bedrockCacheReadsAndWrites() throws Exception {
    Buffer frames = Buffer.buffer()
        .appendBuffer(bedrockEvent("messageStart", "{\"role\":\"assistant\"}"))
        .appendBuffer(bedrockEvent("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"ok\"}}"))
        .appendBuffer(bedrockEvent("messageStop", "{\"stopReason\":\"end_turn\"}"))
        .appendBuffer(bedrockEvent("metadata", "{\"usage\":{\"inputTokens\":9,\"outputTokens\":5,\"totalTokens\":2514,"
            + "\"cacheReadInputTokens\":500,\"cacheWriteInputTokens\":2000},\"metrics\":{\"latencyMs\":321}}"));
    Outcome outcome = translate(NativeProviders.BEDROCK, frames);
    assertThat(outcome.recorded()).isEqualTo(new Usage("m", 2509, 5, 500, 2000, -1));
    assertThat(outcome.usageChunk()).isEqualTo(MAPPER.readTree("""
        {"prompt_tokens":2509,"completion_tokens":5,"total_tokens":2514,"prompt_tokens_details":{"cached_tokens":500}}"""));
  }

  @Test
  void responsesOverAnOpenAiCompatibleChatStreamKeepTheDetailsOfItsUsageChunk() {
    OpenAiChunkSource source = new OpenAiChunkSource("compat", "m");
    source.feed(Buffer.buffer("data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"ok\"}}]}\n\n"
        + "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":2006,\"completion_tokens\":300,"
        + "\"total_tokens\":2306,\"prompt_tokens_details\":{\"cached_tokens\":1920},"
        + "\"completion_tokens_details\":{\"reasoning_tokens\":192}}}\n\ndata: [DONE]\n\n"));
    source.end();
    assertThat(source.usage()).isEqualTo(new Usage("m", 2006, 300, 1920, -1, 192));

    OpenAiChunkSource plain = new OpenAiChunkSource("compat", "m");
    plain.feed(Buffer.buffer("data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,"
        + "\"prompt_tokens_details\":null}}\n\n"));
    plain.end();
    assertThat(plain.usage()).isEqualTo(new Usage("m", 3, 1, -1, -1, -1));
  }
}
