package dev.portcullis.common.stream.eventstream;

import static dev.portcullis.common.stream.eventstream.EventStreamFormat.CRC_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.MAX_HEADERS_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.MAX_MESSAGE_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.PRELUDE_LENGTH;
import static dev.portcullis.common.stream.eventstream.EventStreamFormat.crc32;

import io.vertx.core.buffer.Buffer;

/** Writes {@link EventStreamMessage}s as AWS event-stream frames (what Bedrock ConverseStream sends). */
public final class EventStreamEncoder {

  private EventStreamEncoder() {}

  /** The complete frame of {@code message}: prelude, prelude CRC, headers, payload, message CRC. */
  public static Buffer encode(EventStreamMessage message) {
    Buffer headers = Buffer.buffer();
    EventStreamHeaderCodec.write(message.headers(), headers);
    int headersLength = headers.length();
    long totalLength = (long) PRELUDE_LENGTH + headersLength + message.payload().length() + CRC_LENGTH;
    if (headersLength > MAX_HEADERS_LENGTH) {
      throw new IllegalArgumentException("headers take " + headersLength + " bytes, more than " + MAX_HEADERS_LENGTH);
    }
    if (totalLength > MAX_MESSAGE_LENGTH) {
      throw new IllegalArgumentException("message takes " + totalLength + " bytes, more than " + MAX_MESSAGE_LENGTH);
    }
    Buffer frame = Buffer.buffer((int) totalLength)
        .appendInt((int) totalLength)
        .appendInt(headersLength);
    frame.appendUnsignedInt(crc32(frame, 0, 8))
        .appendBuffer(headers)
        .appendBuffer(message.payload());
    return frame.appendUnsignedInt(crc32(frame, 0, frame.length()));
  }
}
