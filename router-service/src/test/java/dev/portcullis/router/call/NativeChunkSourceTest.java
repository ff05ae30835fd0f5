package dev.portcullis.router.call;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.StreamStep;
import dev.portcullis.router.translate.TranslatorRegistry;
import dev.portcullis.router.translate.openai.CountingIds;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every SSE provider's stream, as the model router reads it, accepts what the official SDKs
 * accept: a trailing {@code data: [DONE]} (Cohere's v2 stream may send one after
 * {@code message-end}), comments and blank keep-alive events, {@code event:} lines without data,
 * CRLF and CR line ends, a last event without its blank line, and bytes cut anywhere, inside a
 * multi-byte character or between CR and LF included. Each variant must give exactly the chunks,
 * usage and clean end the plain stream gives.
 */
class NativeChunkSourceTest {

  /** Cohere's v2 wire format: every event named, message-end carrying the finish reason and usage. */
  private static final String COHERE = """
      event: message-start
      data: {"id":"29f14a5a","type":"message-start","delta":{"message":{"role":"assistant","content":[],"tool_plan":"","tool_calls":[],"citations":[]}}}

      event: content-start
      data: {"type":"content-start","index":0,"delta":{"message":{"content":{"type":"text","text":""}}}}

      event: content-delta
      data: {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"H\u00e9l"}}}}

      event: content-delta
      data: {"type":"content-delta","index":0,"delta":{"message":{"content":{"text":"lo \u4e16\u754c \ud83d\ude00"}}}}

      event: content-end
      data: {"type":"content-end","index":0}

      event: message-end
      data: {"type":"message-end","delta":{"finish_reason":"COMPLETE","usage":{"billed_units":{"input_tokens":7,"output_tokens":2},"tokens":{"input_tokens":207,"output_tokens":2}}}}

      """;

  private static final String ANTHROPIC = """
      event: message_start
      data: {"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-x","content":[],"stop_reason":null,"usage":{"input_tokens":10,"output_tokens":1}}}

      event: content_block_start
      data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

      event: ping
      data: {"type": "ping"}

      event: content_block_delta
      data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"H\u00e9llo \u4e16\u754c"}}

      event: content_block_stop
      data: {"type":"content_block_stop","index":0}

      event: message_delta
      data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":4}}

      event: message_stop
      data: {"type":"message_stop"}

      """;

  /** Gemini with alt=sse: unnamed events, each a whole response chunk with cumulative usage. */
  private static final String GEMINI = """
      data: {"candidates":[{"content":{"parts":[{"text":"H\u00e9l"}],"role":"model"},"index":0}],"usageMetadata":{"promptTokenCount":5,"totalTokenCount":5},"modelVersion":"gemini-2.0-flash","responseId":"r1"}

      data: {"candidates":[{"content":{"parts":[{"text":"lo \u4e16\u754c"}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3,"totalTokenCount":8},"modelVersion":"gemini-2.0-flash","responseId":"r1"}

      """;

  private record Outcome(List<ObjectNode> chunks, ObjectNode error, Usage usage) {}

  private static Outcome read(ProviderDescriptor provider, byte[] stream, int... cuts) {
    var translator = TranslatorRegistry.standard(new CountingIds()).require(provider.name())
        .newStreamTranslator(new ResponseContext(provider.name() + ":m", "chatcmpl-1", 5, true));
    NativeChunkSource source = new NativeChunkSource(provider, translator);
    List<ObjectNode> chunks = new ArrayList<>();
    ObjectNode error = null;
    int from = 0;
    int[] ends = Arrays.copyOf(cuts, cuts.length + 1);
    ends[cuts.length] = stream.length;
    for (int to : ends) {
      StreamStep step = source.feed(Buffer.buffer(Arrays.copyOfRange(stream, from, to)));
      chunks.addAll(step.chunks());
      error = error == null ? step.error() : error;
      from = to;
    }
    StreamStep last = source.end();
    chunks.addAll(last.chunks());
    error = error == null ? last.error() : error;
    return new Outcome(chunks, error, source.usage());
  }

  /** What {@code variant} gives, whole, cut in two at every byte, and one byte at a time: each must equal {@code expected}. */
  private static void assertReadsLike(ProviderDescriptor provider, String variant, Outcome expected) {
    byte[] bytes = variant.getBytes(StandardCharsets.UTF_8);
    assertThat(read(provider, bytes)).as("whole").isEqualTo(expected);
    for (int cut = 0; cut <= bytes.length; cut++) {
      assertThat(read(provider, bytes, cut)).as("cut at byte %d", cut).isEqualTo(expected);
    }
    int[] everyByte = new int[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      everyByte[i] = i;
    }
    assertThat(read(provider, bytes, everyByte)).as("one byte at a time").isEqualTo(expected);
  }

  /** The plain stream's outcome, which must be a clean end with chunks and usage. */
  private static Outcome plain(ProviderDescriptor provider, String stream) {
    Outcome outcome = read(provider, stream.getBytes(StandardCharsets.UTF_8));
    assertThat(outcome.error()).as("plain stream error").isNull();
    assertThat(outcome.chunks()).hasSizeGreaterThan(2);
    assertThat(outcome.chunks().get(outcome.chunks().size() - 1).path("usage").path("completion_tokens").asLong())
        .isPositive();
    assertThat(outcome.usage().outputTokens()).isPositive();
    return outcome;
  }

  /** The variants every SSE reader must read like the plain stream. */
  private static List<String> variants(String stream) {
    String withDone = stream + "data: [DONE]\n\n";
    String noisy = ": keep-alive\n\n\n" + stream.replace("\n\nevent:", "\n\n: keep-alive\n\nevent: ping\n\nevent:")
        .replace("\n\ndata:", "\n\n:\n\n\ndata:");
    return List.of(
        withDone,
        withDone + "data: {\"type\":\"content-delta\",\"anything\":\"after [DONE] is not read\"}\n\n",
        stream + "data: [DONE]",
        stream.substring(0, stream.length() - 1),
        stream.strip(),
        noisy,
        noisy.replace("\n", "\r\n") + "data: [DONE]\r\n\r\n",
        stream.replace("\n", "\r"),
        "\ufeff" + withDone.replace("\n", "\r\n"));
  }

  @Test
  void cohereStreamsWithAndWithoutDoneAndEveryFramingVariantReadAlike() {
    Outcome expected = plain(NativeProviders.COHERE, COHERE);
    assertThat(expected.usage().outputTokens()).isEqualTo(2);
    for (String variant : variants(COHERE)) {
      assertReadsLike(NativeProviders.COHERE, variant, expected);
    }
  }

  @Test
  void anthropicStreamsReadAlikeInEveryFramingVariant() {
    Outcome expected = plain(NativeProviders.ANTHROPIC, ANTHROPIC);
    for (String variant : variants(ANTHROPIC)) {
      assertReadsLike(NativeProviders.ANTHROPIC, variant, expected);
    }
  }

  @Test
  void geminiSseStreamsReadAlikeInEveryFramingVariant() {
    Outcome expected = plain(NativeProviders.GEMINI, GEMINI);
    for (String variant : variants(GEMINI)) {
      assertReadsLike(NativeProviders.GEMINI, variant, expected);
    }
  }

  @Test
  void anEventThatIsNeitherJsonNorTheDoneMarkerStillBreaksTheStream() {
    Outcome outcome = read(NativeProviders.COHERE, (COHERE.substring(0, COHERE.indexOf("event: message-end"))
        + "data: [DONE-ish]\n\n").getBytes(StandardCharsets.UTF_8));
    assertThat(outcome.error()).isNotNull();
    assertThat(outcome.error().path("error").path("message").asText()).contains("an event that is not JSON");
  }
}
