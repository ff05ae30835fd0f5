package dev.portcullis.provider.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.provider.anthropic.AnthropicStreamUsageObserver;
import dev.portcullis.provider.cohere.CohereStreamUsageObserver;
import dev.portcullis.provider.gemini.GeminiStreamUsageObserver;
import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.CohereWire;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.OpenAiWire;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every provider's stream usage observer reads the same usage from a stream however it is framed:
 * CRLF or CR line ends, comment keep-alives, blank keep-alive events, {@code event:} lines without
 * data, a trailing {@code data: [DONE]} (and anything after it), a last event without its blank
 * line, a leading byte order mark, and bytes cut anywhere, inside a multi-byte character or
 * between CR and LF included.
 */
class StreamUsageFramingTest {

  private static String sse(List<String[]> events) {
    StringBuilder text = new StringBuilder();
    for (String[] event : events) {
      if (event[0] != null) {
        text.append("event: ").append(event[0]).append('\n');
      }
      text.append("data: ").append(event[1]).append("\n\n");
    }
    return text.toString();
  }

  private static String unnamed(List<String> data) {
    return sse(data.stream().map(d -> new String[] {null, d}).toList());
  }

  /** The framing variants of {@code stream}; each must read like the stream itself. */
  private static List<String> variants(String stream) {
    String noisy = ": keep-alive\n\n\n" + stream.replace("\n\n", "\n\n: keep-alive\n\nevent: ping\n\n\n");
    return List.of(
        stream + "data: [DONE]\n\n",
        stream + "data: [DONE]\n\ndata: {\"after\":\"the end marker\"}\n\n",
        stream.substring(0, stream.length() - 2),
        noisy.replace("\n", "\r\n") + "data: [DONE]\r\n\r\n",
        noisy.replace("\n", "\r"),
        "\ufeff" + stream.replace("\n", "\r\n"));
  }

  private static Usage observe(Supplier<UsageObserver> observers, byte[] bytes, int... cuts) {
    UsageObserver observer = observers.get();
    int from = 0;
    for (int cut : cuts) {
      observer.onData(Buffer.buffer(Arrays.copyOfRange(bytes, from, cut)));
      from = cut;
    }
    observer.onData(Buffer.buffer(Arrays.copyOfRange(bytes, from, bytes.length)));
    return observer.usage();
  }

  private static void assertEveryFramingReads(Supplier<UsageObserver> observers, String stream, Usage expected) {
    assertThat(observe(observers, stream.getBytes(StandardCharsets.UTF_8))).as("plain").isEqualTo(expected);
    for (String variant : variants(stream)) {
      byte[] bytes = variant.getBytes(StandardCharsets.UTF_8);
      assertThat(observe(observers, bytes)).as("whole: %s", variant).isEqualTo(expected);
      for (int cut = 0; cut <= bytes.length; cut++) {
        assertThat(observe(observers, bytes, cut)).as("cut at %d: %s", cut, variant).isEqualTo(expected);
      }
      int[] everyByte = new int[bytes.length];
      Arrays.setAll(everyByte, i -> i);
      assertThat(observe(observers, bytes, everyByte)).as("byte by byte: %s", variant).isEqualTo(expected);
    }
  }

  @Test
  void cohere() {
    assertEveryFramingReads(CohereStreamUsageObserver::new,
        sse(CohereWire.textStream(List.of("H\u00e9l", "lo \u4e16\u754c \ud83d\ude00"), 9, 3)), new Usage(null, 209, 3));
  }

  @Test
  void cohereWithoutEventNames() {
    assertEveryFramingReads(CohereStreamUsageObserver::new,
        unnamed(CohereWire.textStream(List.of("H\u00e9l", "lo"), 4, 2).stream().map(e -> e[1]).toList()),
        new Usage(null, 204, 2));
  }

  @Test
  void anthropic() {
    assertEveryFramingReads(AnthropicStreamUsageObserver::new,
        sse(AnthropicWire.textStream("claude-s", List.of("H\u00e9l", "lo \u4e16\u754c"), 25, 3)),
        new Usage("claude-s", 25, 3, 0, 0, -1));
  }

  @Test
  void openAiChat() {
    assertEveryFramingReads(OpenAiStreamUsageObserver::new,
        unnamed(OpenAiWire.chatTextStream("gpt-x", List.of("H\u00e9l", "lo \u4e16\u754c"), 11, 4)),
        new Usage("gpt-x", 11, 4));
  }

  @Test
  void openAiResponses() {
    assertEveryFramingReads(OpenAiStreamUsageObserver::new,
        sse(OpenAiWire.responseTextStream("gpt-x", List.of("H\u00e9l", "lo"), 12, 5)),
        new Usage("gpt-x", 12, 5, 0, -1, 0));
  }

  @Test
  void geminiSse() {
    assertEveryFramingReads(() -> GeminiStreamUsageObserver.of(true),
        unnamed(GeminiWire.textStreamChunks("gemini-2.5-flash-001", List.of("H\u00e9l", "lo \u4e16\u754c"), 9, 6)),
        new Usage("gemini-2.5-flash-001", 9, 6));
  }

  @Test
  void geminiJsonArrayWithAnyWhitespaceBetweenElements() {
    List<String> chunks = GeminiWire.textStreamChunks("gemini-2.5-flash-001", List.of("H\u00e9l", "lo \u4e16\u754c"), 9, 6);
    Usage expected = new Usage("gemini-2.5-flash-001", 9, 6);
    for (String body : List.of(
        "[" + String.join(",", chunks) + "]",
        "[" + String.join("\r\n,", chunks) + "\r\n]",
        "\n[\n  " + String.join(",\n  ", chunks) + "\n]\n",
        " \t[" + String.join(" ,\r", chunks) + "]\r\n")) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      for (int cut = 0; cut <= bytes.length; cut++) {
        assertThat(observe(() -> GeminiStreamUsageObserver.of(false), bytes, cut)).as("cut at %d: %s", cut, body)
            .isEqualTo(expected);
      }
    }
  }
}
