package dev.portcullis.common.stream.eventstream;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One message of an AWS event stream (Bedrock ConverseStream, among others): its headers in wire
 * order and its payload.
 *
 * <p>Header values are Java values of the wire types: {@link Boolean}, {@link Byte}, {@link Short},
 * {@link Integer}, {@link Long}, {@code byte[]}, {@link String}, {@link java.time.Instant}
 * (millisecond precision) and {@link java.util.UUID}.
 */
public record EventStreamMessage(Map<String, Object> headers, Buffer payload) {

  public static final String MESSAGE_TYPE = ":message-type";
  public static final String EVENT_TYPE = ":event-type";
  public static final String EXCEPTION_TYPE = ":exception-type";
  public static final String CONTENT_TYPE = ":content-type";
  public static final String ERROR_CODE = ":error-code";
  public static final String ERROR_MESSAGE = ":error-message";

  public EventStreamMessage {
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(payload, "payload");
    headers.forEach((name, value) -> EventStreamHeaderType.of(value));
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** An {@code event} message as Bedrock sends it: JSON payload, event name in {@code :event-type}. */
  public static EventStreamMessage event(String eventType, Buffer jsonPayload) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(EVENT_TYPE, eventType);
    headers.put(CONTENT_TYPE, "application/json");
    headers.put(MESSAGE_TYPE, "event");
    return new EventStreamMessage(headers, jsonPayload);
  }

  /** An {@code exception} message, such as {@code throttlingException} with {@code {"message":"…"}}. */
  public static EventStreamMessage exception(String exceptionType, Buffer jsonPayload) {
    Map<String, Object> headers = new LinkedHashMap<>();
    headers.put(EXCEPTION_TYPE, exceptionType);
    headers.put(CONTENT_TYPE, "application/json");
    headers.put(MESSAGE_TYPE, "exception");
    return new EventStreamMessage(headers, jsonPayload);
  }

  /** {@code event}, {@code exception} or {@code error}; {@code null} when absent or not a string. */
  public String messageType() {
    return stringHeader(MESSAGE_TYPE);
  }

  public String eventType() {
    return stringHeader(EVENT_TYPE);
  }

  public String exceptionType() {
    return stringHeader(EXCEPTION_TYPE);
  }

  public String contentType() {
    return stringHeader(CONTENT_TYPE);
  }

  public String errorCode() {
    return stringHeader(ERROR_CODE);
  }

  public String errorMessage() {
    return stringHeader(ERROR_MESSAGE);
  }

  private String stringHeader(String name) {
    return headers.get(name) instanceof String value ? value : null;
  }

  /** Compares {@code byte[]} header values by content, so decoded messages equal what was encoded. */
  @Override
  public boolean equals(Object other) {
    if (!(other instanceof EventStreamMessage that) || !payload.equals(that.payload)
        || !headers.keySet().equals(that.headers.keySet())) {
      return false;
    }
    for (Map.Entry<String, Object> header : headers.entrySet()) {
      if (!Objects.deepEquals(header.getValue(), that.headers.get(header.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int hash = payload.hashCode();
    for (Map.Entry<String, Object> header : headers.entrySet()) {
      Object value = header.getValue();
      hash += header.getKey().hashCode()
          ^ (value instanceof byte[] bytes ? Arrays.hashCode(bytes) : value.hashCode());
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder("EventStreamMessage{");
    headers.forEach((name, value) -> text.append(name).append('=')
        .append(value instanceof byte[] bytes ? Arrays.toString(bytes) : value).append(", "));
    return text.append("payload=").append(payload.length()).append(" bytes}").toString();
  }
}
