package dev.portcullis.common.stream.sse;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
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

  /** The events of {@code stream}, fed whole, then cut in two at every byte, then one byte at a time: always the same. */
  private static List<SseEvent> parseEverySplit(String stream) {
    byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
    List<SseEvent> whole = parseBytes(bytes, bytes.length);
    for (int cut = 0; cut <= bytes.length; cut++) {
      List<SseEvent> events = new ArrayList<>();
      SseParser parser = new SseParser(events::add);
      parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, cut)));
      parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, cut, bytes.length)));
      parser.finish();
      assertThat(events).as("cut at byte %d", cut).isEqualTo(whole);
    }
    assertThat(parseBytes(bytes, 1)).as("one byte at a time").isEqualTo(whole);
    return whole;
  }

  private static List<SseEvent> parseBytes(byte[] bytes, int pieceSize) {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    for (int i = 0; i < bytes.length; i += pieceSize) {
      parser.feed(Buffer.buffer(java.util.Arrays.copyOfRange(bytes, i, Math.min(bytes.length, i + pieceSize))));
    }
    parser.finish();
    return events;
  }

  @Test
  void commentsAndBlankKeepAlivesReportNothing() {
    String stream = ": keep-alive\n\n\n\n:\n\ndata: {\"a\":1}\n: a comment inside an event\n\n: OPENROUTER PROCESSING\n\n";
    assertThat(parseEverySplit(stream)).containsExactly(new SseEvent(null, "{\"a\":1}"));
  }

  @Test
  void crLfAndCrLineEndsAreSplitAnywhereEvenBetweenCrAndLf() {
    String crlf = "event: message-start\r\ndata: {\"x\":\"\u00e9\u4e16\"}\r\n\r\n: keep-alive\r\n\r\ndata: [DONE]\r\n\r\n";
    String cr = crlf.replace("\r\n", "\r");
    List<SseEvent> expected = List.of(new SseEvent("message-start", "{\"x\":\"\u00e9\u4e16\"}"), new SseEvent(null, "[DONE]"));
    assertThat(parseEverySplit(crlf)).isEqualTo(expected);
    assertThat(parseEverySplit(cr)).isEqualTo(expected);
    assertThat(parseEverySplit(crlf.replace("\r\n", "\n"))).isEqualTo(expected);
  }

  @Test
  void multiByteCharactersCutAtEveryByteSurvive() {
    // Two-, three- and four-byte characters: every cut falls inside one of them somewhere.
    String stream = "data: {\"t\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}\n\n";
    assertThat(parseEverySplit(stream)).containsExactly(new SseEvent(null, "{\"t\":\"h\u00e9llo \u4e16\u754c \ud83d\ude00\"}"));
  }

  @Test
  void aLastEventWithoutBlankLineIsReportedByFinishWhateverItsLineEnd() {
    assertThat(parseEverySplit("data: one\n\ndata: [DONE]")).containsExactly(
        new SseEvent(null, "one"), new SseEvent(null, "[DONE]"));
    assertThat(parseEverySplit("event: message-end\r\ndata: {}\r\n")).containsExactly(new SseEvent("message-end", "{}"));
    assertThat(parseEverySplit("data: {}\r")).containsExactly(new SseEvent(null, "{}"));
  }

  @Test
  void finishTwiceReportsTheLastEventOnce() {
    List<SseEvent> events = new ArrayList<>();
    SseParser parser = new SseParser(events::add);
    parser.feed(Buffer.buffer("data: last"));
    parser.finish();
    parser.finish();
    assertThat(events).containsExactly(new SseEvent(null, "last"));
  }

  @Test
  void anEventLineWithoutDataReportsNothingAndDoesNotNameTheNextEvent() {
    assertThat(parseEverySplit("event: ping\n\ndata: {\"b\":2}\n\nevent: ping\r\n\r\n")).containsExactly(
        new SseEvent(null, "{\"b\":2}"));
  }

  @Test
  void anEmptyDataLineIsAnEventWithEmptyData() {
    assertThat(parseEverySplit("data:\n\ndata\n\n")).containsExactly(new SseEvent(null, ""), new SseEvent(null, ""));
  }

  @Test
  void aLeadingByteOrderMarkIsDropped() {
    assertThat(parseEverySplit("\ufeffevent: message-start\ndata: {}\n\n")).containsExactly(new SseEvent("message-start", "{}"));
    assertThat(parseEverySplit("\ufeff\ndata: {}\n\n")).containsExactly(new SseEvent(null, "{}"));
    // Only at the start of the stream: later it is part of the line.
    assertThat(parseEverySplit("data: a\n\n\ufeffdata: b\n\n")).containsExactly(new SseEvent(null, "a"));
  }

  @Test
  void theDoneMarkerIsRecognisedAsTheSdksRecogniseIt() {
    assertThat(new SseEvent(null, "[DONE]").isDoneMarker()).isTrue();
    assertThat(new SseEvent(null, " [DONE] ").isDoneMarker()).isTrue();
    assertThat(new SseEvent("done", "[DONE]\n").isDoneMarker()).isTrue();
    assertThat(new SseEvent(null, "[DONE] trailing").isDoneMarker()).isTrue();
    assertThat(new SseEvent(null, "{\"text\":\"[DONE]\"}").isDoneMarker()).isFalse();
    assertThat(new SseEvent(null, "").isDoneMarker()).isFalse();
    assertThat(new SseEvent(null, "[DON").isDoneMarker()).isFalse();
  }
}
