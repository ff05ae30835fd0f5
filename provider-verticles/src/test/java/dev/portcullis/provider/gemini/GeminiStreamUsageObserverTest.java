package dev.portcullis.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.testkit.GeminiWire;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class GeminiStreamUsageObserverTest {

  private final List<String> chunks = GeminiWire.textStreamChunks("gemini-2.5-flash-001", List.of("x", "y", "z"), 9, 6);

  private static Usage feed(GeminiStreamUsageObserver observer, String body, int piece) {
    Buffer bytes = Buffer.buffer(body);
    for (int offset = 0; offset < bytes.length(); offset += piece) {
      observer.onData(bytes.getBuffer(offset, Math.min(bytes.length(), offset + piece)));
    }
    return observer.usage();
  }

  @Test
  void theLastCumulativeUsageOfAnSseStreamWins() {
    StringBuilder body = new StringBuilder();
    chunks.forEach(chunk -> body.append("data: ").append(chunk).append("\r\n\r\n"));
    for (int piece : new int[] {1, 13, body.length()}) {
      assertThat(feed(GeminiStreamUsageObserver.of(true), body.toString(), piece))
          .isEqualTo(new Usage("gemini-2.5-flash-001", 9, 6));
    }
  }

  @Test
  void theLastCumulativeUsageOfAJsonArrayStreamWins() {
    String body = "[" + String.join(",\r\n", chunks) + "]";
    for (int piece : new int[] {1, 13, body.length()}) {
      assertThat(feed(GeminiStreamUsageObserver.of(false), body, piece))
          .isEqualTo(new Usage("gemini-2.5-flash-001", 9, 6));
    }
  }

  @Test
  void thoughtsCountAsOutputAndBrokenFramingIsNotFatal() {
    assertThat(GeminiUsageReader.read(("{\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":39,"
        + "\"thoughtsTokenCount\":186,\"totalTokenCount\":230},\"modelVersion\":\"m\"}").getBytes()))
        .isEqualTo(new Usage("m", 5, 225, -1, -1, 186));
    GeminiStreamUsageObserver observer = GeminiStreamUsageObserver.of(false);
    observer.onData(Buffer.buffer("not an array"));
    assertThat(observer.usage().known()).isFalse();
  }

  @Test
  void onlyAccountSelectorsLeaveTheQuery() {
    assertThat(NativeProviders.GEMINI.accountSelectors().withoutQuerySelectors("alt=sse&%6Bey=abc&keyish=1"))
        .isEqualTo("alt=sse&keyish=1");
    assertThat(GeminiProviderVerticle.isSse("key=k&alt=sse")).isTrue();
    assertThat(GeminiProviderVerticle.isSse("alt=json")).isFalse();
  }

  private static final String CACHED_THINKING_USAGE = "{\"promptTokenCount\":12040,\"candidatesTokenCount\":57,"
      + "\"totalTokenCount\":12480,\"cachedContentTokenCount\":11900,\"thoughtsTokenCount\":383,"
      + "\"promptTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":12040}],"
      + "\"cacheTokensDetails\":[{\"modality\":\"TEXT\",\"tokenCount\":11900}]}";

  @Test
  void anAnswerReportsItsCachedContentAndThoughts() {
    // promptTokenCount includes the cached content; candidates exclude the thoughts, output includes them.
    String answer = "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Paris.\"}]},"
        + "\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":" + CACHED_THINKING_USAGE + ","
        + "\"modelVersion\":\"gemini-2.5-pro\",\"responseId\":\"r1\"}";
    assertThat(GeminiUsageReader.read(answer.getBytes()))
        .isEqualTo(new Usage("gemini-2.5-pro", 12040, 440, 11900, -1, 383));
  }

  @Test
  void anAnswerWithoutCacheOrThoughtsLeavesThemUnknown() {
    assertThat(GeminiUsageReader.read(GeminiWire.generateContent("gemini-2.0-flash", "hi", 7, 2).getBytes()))
        .isEqualTo(new Usage("gemini-2.0-flash", 7, 2, -1, -1, -1));
  }

  @Test
  void bothStreamFramingsTakeTheLastCumulativeCachedAndThoughtCounts() {
    // Thinking comes first: early chunks count thoughts only, the last one has everything.
    List<String> chunks = List.of(
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Pa\"}]},\"index\":0}],"
            + "\"usageMetadata\":{\"promptTokenCount\":12040,\"totalTokenCount\":12423,\"cachedContentTokenCount\":11900,"
            + "\"thoughtsTokenCount\":383},\"modelVersion\":\"gemini-2.5-pro\"}",
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"ris.\"}]},\"finishReason\":\"STOP\","
            + "\"index\":0}],\"usageMetadata\":" + CACHED_THINKING_USAGE + ",\"modelVersion\":\"gemini-2.5-pro\"}");
    Usage expected = new Usage("gemini-2.5-pro", 12040, 440, 11900, -1, 383);
    StringBuilder sse = new StringBuilder();
    chunks.forEach(chunk -> sse.append("data: ").append(chunk).append("\r\n\r\n"));
    String array = "[" + String.join(",\r\n", chunks) + "]";
    for (int piece : new int[] {1, 13, array.length()}) {
      assertThat(feed(GeminiStreamUsageObserver.of(true), sse.toString(), piece)).isEqualTo(expected);
      assertThat(feed(GeminiStreamUsageObserver.of(false), array, piece)).isEqualTo(expected);
    }
  }
}
