package dev.portcullis.common.stream.eventstream;

import java.time.Instant;
import java.util.UUID;

/**
 * The value types of event-stream headers, with their wire codes and the Java type each is
 * represented by. Booleans use two codes because the value is carried in the type byte itself.
 */
enum EventStreamHeaderType {
  BOOLEAN_TRUE(0),
  BOOLEAN_FALSE(1),
  BYTE(2),
  SHORT(3),
  INTEGER(4),
  LONG(5),
  BYTE_ARRAY(6),
  STRING(7),
  TIMESTAMP(8),
  UUID(9);

  final int code;

  EventStreamHeaderType(int code) {
    this.code = code;
  }

  static EventStreamHeaderType fromCode(int code) {
    EventStreamHeaderType[] all = values();
    if (code < 0 || code >= all.length) {
      throw new EventStreamFormatException("unknown header value type " + code);
    }
    return all[code];
  }

  /** The wire type that represents {@code value}, or an exception naming the unsupported Java type. */
  static EventStreamHeaderType of(Object value) {
    if (value instanceof Boolean b) {
      return b ? BOOLEAN_TRUE : BOOLEAN_FALSE;
    } else if (value instanceof Byte) {
      return BYTE;
    } else if (value instanceof Short) {
      return SHORT;
    } else if (value instanceof Integer) {
      return INTEGER;
    } else if (value instanceof Long) {
      return LONG;
    } else if (value instanceof byte[]) {
      return BYTE_ARRAY;
    } else if (value instanceof String) {
      return STRING;
    } else if (value instanceof Instant) {
      return TIMESTAMP;
    } else if (value instanceof java.util.UUID) {
      return UUID;
    }
    throw new IllegalArgumentException("an event-stream header value cannot be a "
        + (value == null ? "null" : value.getClass().getName()));
  }
}
