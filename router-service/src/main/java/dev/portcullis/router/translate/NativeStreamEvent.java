package dev.portcullis.router.translate;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One event of a native stream, already framed and parsed by the transport.
 *
 * <p>For SSE providers, {@code eventType} is the SSE event name (or null when the stream has no
 * {@code event:} lines) and {@code messageType} is {@code "event"}. For Bedrock it holds the
 * decoded event-stream headers: {@code :message-type} ({@code event}, {@code exception} or
 * {@code error}), {@code :event-type}, and {@code :exception-type} (for protocol-level
 * {@code error} messages the decoder passes {@code :error-code} there and
 * {@code {"message": <:error-message>}} as payload).
 */
public record NativeStreamEvent(
    String messageType, String eventType, String exceptionType, JsonNode payload) {

  public static NativeStreamEvent sse(String eventName, JsonNode data) {
    return new NativeStreamEvent("event", eventName, null, data);
  }

  public static NativeStreamEvent awsEvent(String eventType, JsonNode payload) {
    return new NativeStreamEvent("event", eventType, null, payload);
  }

  public static NativeStreamEvent awsException(String exceptionType, JsonNode payload) {
    return new NativeStreamEvent("exception", null, exceptionType, payload);
  }

  public boolean isException() {
    return "exception".equals(messageType) || "error".equals(messageType);
  }
}
