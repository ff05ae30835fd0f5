package dev.portcullis.policy.answer;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Cuts a Server-Sent Events body that arrives in pieces into whole events, each with its exact
 * bytes (so an event that is let through goes on as the upstream wrote it) and its {@code event}
 * name and {@code data}. Used by the Cohere and Responses stream gates.
 *
 * <p>An event ends at a blank line; lines end in LF, CRLF or CR, as the SSE standard allows. A CR
 * at the very end of what has arrived is not yet taken as a line end, since an LF may follow it.
 * Each byte is looked at once, however the body is split. Not thread-safe: one per stream.
 */
public final class CohereResponsesSseSplitter {

  /**
   * One event.
   *
   * @param raw its bytes, blank line included
   * @param name its {@code event:} field, or null when it has none
   * @param data its {@code data:} lines joined with LF, or null when it has none (a comment, a
   *     stray blank line)
   */
  public record Event(Buffer raw, String name, String data) {}

  private Buffer pending = Buffer.buffer();
  /** The next byte of {@link #pending} to look at. */
  private int scanned;
  /** Where the line being scanned starts. */
  private int lineStart;

  /** Takes the next bytes and gives {@code sink} every event they complete, in order. */
  public void feed(Buffer chunk, Consumer<Event> sink) {
    pending.appendBuffer(chunk);
    int eventStart = 0;
    int length = pending.length();
    while (scanned < length) {
      byte b = pending.getByte(scanned);
      int lineEnd;
      if (b == '\n') {
        lineEnd = scanned + 1;
      } else if (b == '\r') {
        if (scanned + 1 == length) {
          break;
        }
        lineEnd = pending.getByte(scanned + 1) == '\n' ? scanned + 2 : scanned + 1;
      } else {
        scanned++;
        continue;
      }
      boolean blankLine = scanned == lineStart;
      scanned = lineEnd;
      lineStart = lineEnd;
      if (blankLine) {
        sink.accept(parse(pending.getBuffer(eventStart, lineEnd)));
        eventStart = lineEnd;
      }
    }
    if (eventStart > 0) {
      pending = pending.getBuffer(eventStart, length);
      scanned -= eventStart;
      lineStart -= eventStart;
    }
  }

  /**
   * The body ended: what is left after the last blank line, read as an event (an unfinished one,
   * which SSE clients drop; the caller decides), or null when nothing is left.
   */
  public Event finish() {
    if (pending.length() == 0) {
      return null;
    }
    Event rest = parse(pending);
    pending = Buffer.buffer();
    scanned = 0;
    lineStart = 0;
    return rest;
  }

  /** Reads the fields of one event's bytes; unknown fields and comments are kept only in the bytes. */
  public static Event parse(Buffer raw) {
    String text = raw.toString(StandardCharsets.UTF_8);
    String name = null;
    StringBuilder data = null;
    for (String line : text.split("\r\n|\r|\n")) {
      if (line.isEmpty() || line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      if (field.equals("event")) {
        name = value;
      } else if (field.equals("data")) {
        data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
      }
    }
    return new Event(raw, name, data == null ? null : data.toString());
  }

  /**
   * An event with an {@code event:} line (none when {@code name} is null) and one {@code data:}
   * line, as the gates write their own; {@code data} must hold no line break.
   */
  public static Buffer write(String name, String data) {
    return Buffer.buffer((name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n");
  }
}
