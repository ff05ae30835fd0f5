package dev.portcullis.common.stream.sse;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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

  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};

  private final Consumer<SseEvent> sink;
  /**
   * The start of a line that a chunk ended in the middle of (bytes, not text: it may end inside a
   * multi-byte character). A line that lies whole in one chunk is read where it lies.
   */
  private byte[] partial = new byte[256];
  private int partialLength;
  /** Data lines after the first, joined with LF; the common single line needs no builder. */
  private final StringBuilder moreData = new StringBuilder();
  private String firstData;
  private boolean multiLine;
  private String event;
  private boolean hasData;
  private boolean lastWasCr;
  private boolean firstLine = true;

  public SseParser(Consumer<SseEvent> sink) {
    this.sink = sink;
  }

  public void feed(Buffer chunk) {
    // One bulk copy, then a scan for line ends: a per-byte read through the buffer and a per-byte
    // write into a line buffer made this parser the largest cost of a translated stream.
    byte[] bytes = chunk.getBytes();
    int length = bytes.length;
    int i = 0;
    if (lastWasCr && length > 0 && bytes[0] == '\n') {
      // The LF of a CRLF that the previous chunk ended between.
      i = 1;
    }
    lastWasCr = false;
    int lineStart = i;
    for (; i < length; i++) {
      byte b = bytes[i];
      if (b != '\n' && b != '\r') {
        continue;
      }
      endLine(bytes, lineStart, i);
      if (b == '\r') {
        if (i + 1 == length) {
          lastWasCr = true;
        } else if (bytes[i + 1] == '\n') {
          i++;
        }
      }
      lineStart = i + 1;
    }
    if (lineStart < length) {
      keepPartial(bytes, lineStart, length);
    }
  }

  /**
   * Reports a last event that was not followed by a blank line (browsers drop it, but a server
   * that ends its body right after its last {@code data:} line still meant it); use at end of
   * stream. Calling it twice is harmless.
   */
  public void finish() {
    if (partialLength > 0) {
      int length = partialLength;
      partialLength = 0;
      line(partial, 0, length);
    }
    dispatch();
  }

  private void keepPartial(byte[] bytes, int from, int to) {
    int needed = partialLength + (to - from);
    if (needed > partial.length) {
      partial = Arrays.copyOf(partial, Math.max(needed, partial.length * 2));
    }
    System.arraycopy(bytes, from, partial, partialLength, to - from);
    partialLength = needed;
  }

  private void endLine(byte[] bytes, int from, int to) {
    if (partialLength == 0) {
      line(bytes, from, to);
      return;
    }
    keepPartial(bytes, from, to);
    int length = partialLength;
    partialLength = 0;
    line(partial, 0, length);
  }

  private void line(byte[] bytes, int from, int to) {
    boolean first = firstLine;
    firstLine = false;
    if (first && to - from >= 3 && bytes[from] == (byte) 0xEF && bytes[from + 1] == (byte) 0xBB
        && bytes[from + 2] == (byte) 0xBF) {
      // The grammar allows one byte order mark before the first line; it is not part of a field name.
      from += 3;
    }
    if (from == to) {
      dispatch();
      return;
    }
    if (bytes[from] == ':') {
      return;
    }
    int colon = from;
    while (colon < to && bytes[colon] != ':') {
      colon++;
    }
    int valueStart = colon < to ? colon + 1 : to;
    if (valueStart < to && bytes[valueStart] == ' ') {
      valueStart++;
    }
    if (named(bytes, from, colon, DATA)) {
      String value = new String(bytes, valueStart, to - valueStart, StandardCharsets.UTF_8);
      if (!hasData) {
        firstData = value;
        hasData = true;
      } else {
        if (!multiLine) {
          moreData.append(firstData);
          multiLine = true;
        }
        moreData.append('\n').append(value);
      }
    } else if (named(bytes, from, colon, EVENT)) {
      event = new String(bytes, valueStart, to - valueStart, StandardCharsets.UTF_8);
    }
    // id and retry do not matter to a proxy that only reads usage and translates events.
  }

  private static boolean named(byte[] bytes, int from, int to, byte[] name) {
    return to - from == name.length && Arrays.equals(bytes, from, to, name, 0, name.length);
  }

  private void dispatch() {
    if (hasData) {
      sink.accept(new SseEvent(event, multiLine ? moreData.toString() : firstData));
    }
    moreData.setLength(0);
    multiLine = false;
    firstData = null;
    hasData = false;
    event = null;
  }
}
