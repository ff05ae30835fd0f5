package dev.portcullis.common.stream.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {

  private static List<SseEvent> parseInPieces(String text, int pieceSize) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (int i = 0; i < text.length(); i += pieceSize) {
      parser.feed(Buffer.buffer(text.substring(i, Math.min(text.length(), i + pieceSize))));
    }
    return events;
  }

  @Test
  void eventsSplitAnywhereAreReassembled() {
    String stream = "event: response.created\ndata: {\"a\":1}\n\n: OPENROUTER PROCESSING\n\ndata: {\"b\":\n"
        + "data: 2}\r\n\r\ndata: [DONE]\r\r";
    for (int piece = 1; piece <= stream.length(); piece++) {
      assertThat(parseInPieces(stream, piece)).as("pieces of %d", piece).containsExactly(
          new SseEvent("response.created", "{\"a\":1}"),
          new SseEvent(null, "{\"b\":\n2}"),
          new SseEvent(null, "[DONE]"));
    }
  }

  @Test
  void multiByteCharactersSplitAcrossChunksSurvive() {
    String stream = "data: h\u00e9llo \u4e16\u754c\n\n";
    byte[] bytes = stream.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (byte b : bytes) {
      parser.feed(Buffer.buffer(new byte[] {b}));
    }
    assertThat(events).containsExactly(new SseEvent(null, "h\u00e9llo \u4e16\u754c"));
  }

  @Test
  void finishFlushesALastEventWithoutBlankLine() {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(Buffer.buffer("data: last"));
    assertThat(events).isEmpty();
    parser.finish();
    assertThat(events).containsExactly(new SseEvent(null, "last"));
  }
}
