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
        .isEqualTo(new Usage("m", 5, 225));
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
}
