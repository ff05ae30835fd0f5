package dev.portcullis.common.stream.eventstream;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and writes the header block of an event-stream message: repeated (1-byte name length,
 * UTF-8 name, 1-byte value type, value), all integers big-endian.
 */
final class EventStreamHeaderCodec {

  private static final int MAX_NAME_LENGTH = 255;
  private static final int MAX_VARIABLE_VALUE_LENGTH = 65_535;

  private EventStreamHeaderCodec() {}

  static void write(Map<String, Object> headers, Buffer out) {
    for (Map.Entry<String, Object> header : headers.entrySet()) {
      byte[] name = header.getKey().getBytes(StandardCharsets.UTF_8);
      if (name.length == 0 || name.length > MAX_NAME_LENGTH) {
        throw new IllegalArgumentException("header name must be 1 to 255 UTF-8 bytes: " + header.getKey());
      }
      out.appendByte((byte) name.length).appendBytes(name);
      writeValue(header.getKey(), header.getValue(), out);
    }
  }

  private static void writeValue(String name, Object value, Buffer out) {
    EventStreamHeaderType type = EventStreamHeaderType.of(value);
    out.appendByte((byte) type.code);
    switch (type) {
      case BOOLEAN_TRUE, BOOLEAN_FALSE -> {
        // The type code is the value.
      }
      case BYTE -> out.appendByte((Byte) value);
      case SHORT -> out.appendShort((Short) value);
      case INTEGER -> out.appendInt((Integer) value);
      case LONG -> out.appendLong((Long) value);
      case BYTE_ARRAY -> appendVariable(name, (byte[]) value, out);
      case STRING -> appendVariable(name, ((String) value).getBytes(StandardCharsets.UTF_8), out);
      case TIMESTAMP -> out.appendLong(epochMillis(name, (Instant) value));
      case UUID -> {
        UUID uuid = (UUID) value;
        out.appendLong(uuid.getMostSignificantBits()).appendLong(uuid.getLeastSignificantBits());
      }
    }
  }

  private static void appendVariable(String name, byte[] value, Buffer out) {
    if (value.length > MAX_VARIABLE_VALUE_LENGTH) {
      throw new IllegalArgumentException("header " + name + " is longer than 65535 bytes");
    }
    out.appendUnsignedShort(value.length).appendBytes(value);
  }

  /** The wire has millisecond precision; refuse to drop finer precision silently. */
  private static long epochMillis(String name, Instant instant) {
    if (instant.getNano() % 1_000_000 != 0) {
      throw new IllegalArgumentException("timestamp header " + name + " has sub-millisecond precision");
    }
    return instant.toEpochMilli();
  }

  /** Reads the headers in {@code buffer[start, start + length)}, in wire order. */
  static Map<String, Object> read(Buffer buffer, int start, int length) {
    Map<String, Object> headers = new LinkedHashMap<>();
    Cursor cursor = new Cursor(buffer, start, start + length);
    while (cursor.position < cursor.end) {
      int nameLength = cursor.unsignedByte();
      String name = cursor.string(nameLength);
      Object value = readValue(cursor, EventStreamHeaderType.fromCode(cursor.unsignedByte()));
      // A repeated header would let one part of a pipeline see a different value than another.
      if (headers.putIfAbsent(name, value) != null) {
        throw new EventStreamFormatException("header " + name + " appears twice");
      }
    }
    return Collections.unmodifiableMap(headers);
  }

  private static Object readValue(Cursor cursor, EventStreamHeaderType type) {
    return switch (type) {
      case BOOLEAN_TRUE -> Boolean.TRUE;
      case BOOLEAN_FALSE -> Boolean.FALSE;
      case BYTE -> cursor.take(1).getByte(0);
      case SHORT -> cursor.take(2).getShort(0);
      case INTEGER -> cursor.take(4).getInt(0);
      case LONG -> cursor.take(8).getLong(0);
      case BYTE_ARRAY -> cursor.take(cursor.take(2).getUnsignedShort(0)).getBytes();
      case STRING -> cursor.string(cursor.take(2).getUnsignedShort(0));
      case TIMESTAMP -> Instant.ofEpochMilli(cursor.take(8).getLong(0));
      case UUID -> {
        Buffer bits = cursor.take(16);
        yield new UUID(bits.getLong(0), bits.getLong(8));
      }
    };
  }

  /** Bounded reading inside the header block, so a lying length fails instead of reading the payload. */
  private static final class Cursor {
    private final Buffer buffer;
    private final int end;
    private int position;

    Cursor(Buffer buffer, int start, int end) {
      this.buffer = buffer;
      this.position = start;
      this.end = end;
    }

    Buffer take(int count) {
      if (count > end - position) {
        throw new EventStreamFormatException("header value runs past the end of the header block");
      }
      Buffer taken = buffer.getBuffer(position, position + count);
      position += count;
      return taken;
    }

    int unsignedByte() {
      return take(1).getUnsignedByte(0);
    }

    String string(int length) {
      return take(length).toString(StandardCharsets.UTF_8);
    }
  }
}
