package dev.portcullis.policy.answer;

import dev.portcullis.common.stream.jsonarray.JsonArrayStreamSplitter;
import dev.portcullis.common.stream.jsonarray.JsonStreamFormatException;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Cuts Gemini's streamed JSON array ({@code streamGenerateContent} without {@code alt=sse}) into
 * slices that together are exactly the bytes that came: the framing between elements ({@code [},
 * commas, whitespace, {@code ]}) as soon as it is seen, and each element whole once its closing
 * brace arrives. {@link JsonArrayStreamSplitter} finds the elements; their place in the bytes
 * follows from the grammar, since only the opening bracket, commas and whitespace come between
 * them.
 *
 * <p>Broken framing cannot be followed: from there on nothing more is reported
 * ({@link #broken()}), so nothing the gate has not judged reaches the client; the client, which
 * could not have read the array either, sees it end early.
 */
public final class GeminiArrayElementSlicer {

  /** A slice of the body: framing to pass on, or one whole element to read. */
  public interface Sink {
    void framing(Buffer bytes);

    void element(Buffer bytes);
  }

  private final JsonArrayStreamSplitter splitter;
  /** The bytes not yet reported: framing, then the start of the element in progress. */
  private Buffer pending = Buffer.buffer();
  private boolean openingSeen;
  private boolean broken;
  private Sink sink;

  public GeminiArrayElementSlicer() {
    this.splitter = new JsonArrayStreamSplitter(this::onElement);
  }

  public void feed(Buffer chunk, Sink sink) {
    if (broken) {
      return;
    }
    this.sink = sink;
    pending.appendBuffer(chunk);
    try {
      splitter.feed(chunk);
    } catch (JsonStreamFormatException e) {
      broken = true;
      pending = Buffer.buffer();
      return;
    }
    reportFraming();
  }

  /** The body ended: any framing left (the closing bracket, a trailing newline) goes on. */
  public void finish(Sink sink) {
    if (broken) {
      return;
    }
    this.sink = sink;
    try {
      splitter.end();
    } catch (JsonStreamFormatException e) {
      // An array cut short: its elements were all reported; what is left is framing or a cut element.
      broken = true;
    }
    reportFraming();
    pending = Buffer.buffer();
  }

  public boolean broken() {
    return broken;
  }

  /** Reports, ahead of the element in progress (if any), the framing that has arrived. */
  private void reportFraming() {
    int framing = framingLength();
    if (framing > 0 && !broken) {
      sink.framing(pending.getBuffer(0, framing));
      pending = pending.getBuffer(framing, pending.length());
    }
  }

  private void onElement(Buffer element) {
    int start = framingLength();
    int end = start + element.length();
    if (start > 0) {
      sink.framing(pending.getBuffer(0, start));
    }
    sink.element(pending.getBuffer(start, end));
    pending = pending.getBuffer(end, pending.length());
  }

  /** How many bytes at the front of {@link #pending} are framing: up to the first byte of an element. */
  private int framingLength() {
    int length = pending.length();
    for (int i = 0; i < length; i++) {
      byte b = pending.getByte(i);
      if (b == '[' && !openingSeen) {
        openingSeen = true;
        continue;
      }
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r' && b != ',' && b != ']') {
        return i;
      }
    }
    return length;
  }
}
