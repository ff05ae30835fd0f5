package dev.portcullis.common.stream.eventstream;

import static dev.portcullis.common.stream.eventstream.EventStreamFormat.CRC_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.MAX_HEADERS_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.MAX_MESSAGE_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.MINIMUM_MESSAGE_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.PRELUDE_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.crc32;

import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * An incremental AWS event-stream decoder: feed it the body as it arrives, split anywhere (a frame
 * may span reads, a read may hold several frames), and it reports each complete frame, CRC-checked,
 * with its raw bytes and decoded message.
 *
 * <p>A corrupt frame makes {@link #feed} throw {@link EventStreamFormatException}; frames before it
 * have already been reported. The decoder then stays failed, because after a bad length or CRC the
 * next frame boundary is unknown.
 */
public final class EventStreamDecoder {

  private final Consumer<EventStreamFrame> sink;
  private Buffer pending = Buffer.buffer();
  private EventStreamFormatException failure;

  public EventStreamDecoder(Consumer<EventStreamFrame> sink) {
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  public void feed(Buffer chunk) {
    if (failure != null) {
      throw failure;
    }
    pending.appendBuffer(chunk);
    int start = 0;
    try {
      int frameLength;
      while ((frameLength = completeFrameLength(start)) > 0) {
        Buffer raw = pending.getBuffer(start, start + frameLength);
        EventStreamMessage message = decodeFrame(raw);
        start += frameLength;
        sink.accept(new EventStreamFrame(raw, message));
      }
    } catch (EventStreamFormatException e) {
      failure = e;
      throw e;
    } finally {
      // Compact once per chunk rather than once per frame, so many small frames in one read stay
      // linear; in finally so that a sink that throws never sees a frame twice.
      if (failure != null) {
        pending = Buffer.buffer();
      } else if (start > 0) {
        pending = pending.getBuffer(start, pending.length());
      }
    }
  }

  /**
   * Call when the body has ended: a stream that stops inside a frame was cut off, and the last event
   * (often the usage metadata) is lost, which the caller must learn about.
   */
  public void end() {
    // Frames left over by a sink that threw are complete, not cut off: report them first.
    feed(Buffer.buffer());
    if (pending.length() > 0) {
      failure = new EventStreamFormatException(
          "stream ended inside a frame (" + pending.length() + " bytes of an incomplete frame)");
      throw failure;
    }
  }

  /**
   * The length of the frame at {@code start} once all of it has arrived, else 0. The prelude is
   * checked as soon as it is complete, so a corrupt length fails at once instead of waiting for
   * up to 16 MB that will never make sense.
   */
  private int completeFrameLength(int start) {
    int available = pending.length() - start;
    if (available < PRELUDE_LENGTH) {
      return 0;
    }
    long totalLength = pending.getUnsignedInt(start);
    long headersLength = pending.getUnsignedInt(start + 4);
    long preludeCrc = pending.getUnsignedInt(start + 8);
    long computed = crc32(pending, start, 8);
    if (preludeCrc != computed) {
      throw new EventStreamFormatException(String.format(
          "prelude CRC mismatch: frame says %08x, bytes give %08x", preludeCrc, computed));
    }
    if (totalLength < MINIMUM_MESSAGE_LENGTH || totalLength > MAX_MESSAGE_LENGTH) {
      throw new EventStreamFormatException("message length " + totalLength + " outside 16.." + MAX_MESSAGE_LENGTH);
    }
    if (headersLength > MAX_HEADERS_LENGTH || headersLength > totalLength - MINIMUM_MESSAGE_LENGTH) {
      throw new EventStreamFormatException(
          "headers length " + headersLength + " does not fit in a message of " + totalLength + " bytes");
    }
    return available >= totalLength ? (int) totalLength : 0;
  }

  private static EventStreamMessage decodeFrame(Buffer raw) {
    int totalLength = raw.length();
    long messageCrc = raw.getUnsignedInt(totalLength - CRC_LENGTH);
    long computed = crc32(raw, 0, totalLength - CRC_LENGTH);
    if (messageCrc != computed) {
      throw new EventStreamFormatException(String.format(
          "message CRC mismatch: frame says %08x, bytes give %08x", messageCrc, computed));
    }
    int headersLength = (int) raw.getUnsignedInt(4);
    Map<String, Object> headers = EventStreamHeaderCodec.read(raw, PRELUDE_LENGTH, headersLength);
    Buffer payload = raw.getBuffer(PRELUDE_LENGTH + headersLength, totalLength - CRC_LENGTH);
    return new EventStreamMessage(headers, payload);
  }
}
