package dev.portcullis.common.stream.eventstream;

import io.vertx.core.buffer.Buffer;
import java.util.zip.CRC32;

/** The fixed sizes and limits of the AWS event-stream framing, shared by encoder and decoder. */
final class EventStreamFormat {

  /** Total length, headers length and prelude CRC, four bytes each. */
  static final int PRELUDE_LENGTH = 12;
  static final int CRC_LENGTH = 4;
  static final int MINIMUM_MESSAGE_LENGTH = PRELUDE_LENGTH + CRC_LENGTH;
  /** The limits the AWS SDKs enforce; anything larger is a corrupt or hostile stream. */
  static final int MAX_MESSAGE_LENGTH = 16 * 1024 * 1024;
  static final int MAX_HEADERS_LENGTH = 128 * 1024;

  private EventStreamFormat() {}

  /** CRC-32 (IEEE, as zlib) of {@code length} bytes of {@code buffer} from {@code start}. */
  static long crc32(Buffer buffer, int start, int length) {
    CRC32 crc = new CRC32();
    crc.update(buffer.getBytes(start, start + length));
    return crc.getValue();
  }
}
