package dev.portcullis.policy.answer;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a Server-Sent Events body that arrives in pieces (split anywhere) into whole events, each
 * with the exact bytes it came in, so a gate can pass an event on untouched or hold it. Unlike
 * {@link dev.portcullis.common.stream.sse.SseParser}, which only reports what the events say, this
 * keeps their bytes: everything fed comes out again, in order, in the reported events.
 *
 * <p>An event ends at a blank line (line ends LF, CRLF or CR). An event whose blank line ends in a
 * CR that is the last byte of a chunk is reported with the next chunk, once it is known whether
 * an LF completes that CRLF: the event's bytes are then the same however the body was split (a
 * CRLF stream cut just there waits for its next byte; streams with LF line ends never wait).
 * Comment-only runs ({@code : keep-alive}) are reported as events without data.
 *
 * <p>One event is held at most {@link #MAX_EVENT_BYTES} while it arrives; past that the body is
 * not an event stream a gate can follow, and {@link #overflowed()} turns true: the splitter then
 * reports nothing more.
 */
public final class SseEventSplitter {

  /** Far above any real event (a Gemini chunk with an inline image stays well below). */
  static final int MAX_EVENT_BYTES = 64 * 1024 * 1024;

  /**
   * One whole event.
   *
   * @param bytes the event as it came, its closing blank line included
   * @param name its {@code event:} field, null when it had none
   * @param data its {@code data:} lines joined with LF, null when it had none (comments, blank lines)
   */
  public record Event(Buffer bytes, String name, String data) {

    /** The line end this event was written with, so an event made in its place looks alike. */
    public String lineEnd() {
      int length = bytes.length();
      for (int i = 0; i < length; i++) {
        byte b = bytes.getByte(i);
        if (b == '\n') {
          return "\n";
        }
        if (b == '\r') {
          return i + 1 < length && bytes.getByte(i + 1) == '\n' ? "\r\n" : "\r";
        }
      }
      return "\n";
    }

    /** OpenAI's end marker, read as its SDKs read it (whitespace around it allowed). */
    public boolean isDoneMarker() {
      return data != null && data.strip().startsWith("[DONE]");
    }
  }

  private final int maxEventBytes;
  /** Bytes of the event in progress that earlier chunks brought. */
  private Buffer pending = Buffer.buffer();
  private boolean lineEmpty = true;
  private boolean lastWasCr;
  /** Whether the last byte seen was a CR ending an event: it is reported with the next byte, should that be its LF. */
  private boolean boundaryAtCr;
  private boolean overflowed;
  private boolean firstEvent = true;

  public SseEventSplitter() {
    this(MAX_EVENT_BYTES);
  }

  SseEventSplitter(int maxEventBytes) {
    this.maxEventBytes = maxEventBytes;
  }

  public void feed(Buffer chunk, Consumer<Event> sink) {
    if (overflowed || chunk.length() == 0) {
      return;
    }
    byte[] bytes = chunk.getBytes();
    int start = 0;
    int i = 0;
    if (lastWasCr) {
      lastWasCr = false;
      if (bytes[0] == '\n') {
        // The LF of a CRLF that the previous chunk ended between.
        i = 1;
      }
      if (boundaryAtCr) {
        boundaryAtCr = false;
        sink.accept(event(slice(chunk, bytes, 0, i)));
        start = i;
      }
    }
    for (; i < bytes.length; i++) {
      byte b = bytes[i];
      if (b != '\r' && b != '\n') {
        lineEmpty = false;
        continue;
      }
      if (b == '\r') {
        if (i + 1 == bytes.length) {
          lastWasCr = true;
          if (lineEmpty) {
            // The event ends here, unless an LF in the next chunk completes this CRLF.
            boundaryAtCr = true;
            break;
          }
        } else if (bytes[i + 1] == '\n') {
          i++;
        }
      }
      if (!lineEmpty) {
        lineEmpty = true;
        continue;
      }
      sink.accept(event(slice(chunk, bytes, start, i + 1)));
      start = i + 1;
    }
    if (start < bytes.length) {
      if ((long) pending.length() + bytes.length - start > maxEventBytes) {
        overflowed = true;
        pending = Buffer.buffer();
        return;
      }
      pending.appendBytes(bytes, start, bytes.length - start);
    }
  }

  /** The body ended: a last event that was not closed by a blank line is reported as it is. */
  public void finish(Consumer<Event> sink) {
    boundaryAtCr = false;
    lastWasCr = false;
    if (!overflowed && pending.length() > 0) {
      Buffer rest = pending;
      pending = Buffer.buffer();
      sink.accept(event(rest));
    }
  }

  public boolean overflowed() {
    return overflowed;
  }

  private Buffer slice(Buffer chunk, byte[] bytes, int from, int to) {
    if (pending.length() == 0) {
      return from == 0 && to == bytes.length ? chunk : Buffer.buffer().appendBytes(bytes, from, to - from);
    }
    Buffer whole = pending.appendBytes(bytes, from, to - from);
    pending = Buffer.buffer();
    return whole;
  }

  private Event event(Buffer bytes) {
    String text = bytes.toString(StandardCharsets.UTF_8);
    if (firstEvent) {
      firstEvent = false;
      if (text.startsWith("\uFEFF")) {
        text = text.substring(1);
      }
    }
    String name = null;
    StringBuilder data = null;
    int lineStart = 0;
    int length = text.length();
    while (lineStart < length) {
      int lineEnd = lineStart;
      while (lineEnd < length && text.charAt(lineEnd) != '\r' && text.charAt(lineEnd) != '\n') {
        lineEnd++;
      }
      String line = text.substring(lineStart, lineEnd);
      int colon = line.indexOf(':');
      if (colon != 0 && !line.isEmpty()) {
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
          value = value.substring(1);
        }
        if (field.equals("data")) {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        } else if (field.equals("event")) {
          name = value;
        }
      }
      lineStart = lineEnd + 1;
      if (lineEnd < length && text.charAt(lineEnd) == '\r' && lineStart < length && text.charAt(lineStart) == '\n') {
        lineStart++;
      }
    }
    return new Event(bytes, name, data == null ? null : data.toString());
  }
}
