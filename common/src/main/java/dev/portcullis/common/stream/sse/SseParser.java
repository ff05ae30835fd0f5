package dev.portcullis.common.stream.sse;

import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * An incremental Server-Sent Events parser (the WHATWG event-stream grammar): feed it the bytes
 * of a stream as they arrive, split anywhere (inside a multi-byte UTF-8 character or between the
 * CR and LF of a line end too), and it reports each complete event. Lines end with LF, CRLF or CR;
 * a leading byte order mark is dropped; comment lines ({@code :...}, the usual keep-alive) are
 * skipped; an event ends at a blank line, and one without {@code data:} lines (a blank keep-alive,
 * or an {@code event:} line alone) reports nothing.
 *
 * <p>It only observes: the bytes it is fed are relayed elsewhere untouched.
 */
public final class SseParser {

  private final Consumer<SseEvent> sink;
  private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
  private final StringBuilder data = new StringBuilder();
  private String event;
  private boolean hasData;
  private boolean lastWasCr;
  private boolean firstLine = true;

  public SseParser(Consumer<SseEvent> sink) {
    this.sink = sink;
  }

  public void feed(Buffer chunk) {
    int length = chunk.length();
    for (int i = 0; i < length; i++) {
      byte b = chunk.getByte(i);
      if (b == '\n') {
        if (lastWasCr) {
          lastWasCr = false;
          continue;
        }
        endLine();
      } else if (b == '\r') {
        lastWasCr = true;
        endLine();
        continue;
      } else {
        line.write(b);
      }
      lastWasCr = false;
    }
  }

  /**
   * Reports a last event that was not followed by a blank line (browsers drop it, but a server
   * that ends its body right after its last {@code data:} line still meant it); use at end of
   * stream. Calling it twice is harmless.
   */
  public void finish() {
    if (line.size() > 0) {
      endLine();
    }
    dispatch();
  }

  private void endLine() {
    boolean first = firstLine;
    firstLine = false;
    if (line.size() == 0) {
      dispatch();
      return;
    }
    String text = line.toString(StandardCharsets.UTF_8);
    line.reset();
    if (first && text.startsWith("\uFEFF")) {
      // The grammar allows one byte order mark before the first line; it is not part of a field name.
      text = text.substring(1);
      if (text.isEmpty()) {
        dispatch();
        return;
      }
    }
    if (text.startsWith(":")) {
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      case "event" -> event = value;
      default -> {
        // id and retry do not matter to a proxy that only reads usage and translates events.
      }
    }
  }

  private void dispatch() {
    if (hasData) {
      sink.accept(new SseEvent(event, data.toString()));
    }
    data.setLength(0);
    hasData = false;
    event = null;
  }
}
