package dev.portcullis.policy.answer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseEventSplitterTest {

  private static final String STREAM = "\uFEFF: hello\n\nevent: message_start\ndata: {\"a\":\n"
      + "data: 1}\n\nid: 7\r\ndata: é ü\r\n\r\ndata: cr\r\rdata: [DONE]\n\ndata: last";

  private static List<SseEventSplitter.Event> split(List<byte[]> pieces) {
    SseEventSplitter splitter = new SseEventSplitter();
    List<SseEventSplitter.Event> events = new ArrayList<>();
    pieces.forEach(piece -> splitter.feed(Buffer.buffer(piece), events::add));
    splitter.finish(events::add);
    return events;
  }

  @Test
  void eventsKeepTheirBytesAndAreReadAsTheGrammarSays() {
    List<SseEventSplitter.Event> events = split(List.of(STREAM.getBytes(StandardCharsets.UTF_8)));

    assertThat(events).extracting(SseEventSplitter.Event::data)
        .containsExactly(null, "{\"a\":\n1}", "é ü", "cr", "[DONE]", "last");
    assertThat(events).extracting(SseEventSplitter.Event::name)
        .containsExactly(null, "message_start", null, null, null, null);
    assertThat(events).extracting(SseEventSplitter.Event::lineEnd).containsExactly("\n", "\n", "\r\n", "\r", "\n", "\n");
    assertThat(events.get(4).isDoneMarker()).isTrue();
    assertThat(joined(events)).isEqualTo(STREAM);
  }

  @Test
  void everySplitGivesTheSameEvents() {
    byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
    List<String> expected = split(List.of(bytes)).stream().map(e -> e.bytes().toString(StandardCharsets.UTF_8)).toList();
    for (int i = 0; i <= bytes.length; i++) {
      byte[] head = java.util.Arrays.copyOfRange(bytes, 0, i);
      byte[] tail = java.util.Arrays.copyOfRange(bytes, i, bytes.length);
      assertThat(split(List.of(head, tail))).as("split at %d", i)
          .extracting(e -> e.bytes().toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    }
  }

  @Test
  void anEventTooLargeToHoldStopsTheSplitter() {
    SseEventSplitter splitter = new SseEventSplitter(16);
    List<SseEventSplitter.Event> events = new ArrayList<>();
    splitter.feed(Buffer.buffer("data: ok\n\ndata: 0123456789abcdef"), events::add);
    splitter.feed(Buffer.buffer("\n\ndata: more\n\n"), events::add);
    splitter.finish(events::add);

    assertThat(splitter.overflowed()).isTrue();
    assertThat(events).extracting(SseEventSplitter.Event::data).containsExactly("ok");
  }

  private static String joined(List<SseEventSplitter.Event> events) {
    Buffer all = Buffer.buffer();
    events.forEach(e -> all.appendBuffer(e.bytes()));
    return all.toString(StandardCharsets.UTF_8);
  }
}
