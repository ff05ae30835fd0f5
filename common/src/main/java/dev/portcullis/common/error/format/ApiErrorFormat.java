package dev.portcullis.common.error.format;

import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * How one client API spells an error: the body of an error answer, and the event that ends a
 * stream that failed after its head was sent. Portcullis' own errors always reach the client in
 * the format of the API it called.
 */
public interface ApiErrorFormat {

  Buffer body(GatewayError error);

  /** The content type of {@link #body}: every API answers errors in JSON. */
  default String contentType() {
    return "application/json";
  }

  /** The bytes that end a started stream with this error, in the stream's own framing. */
  Buffer streamEvent(GatewayError error);

  /**
   * The bytes that end a started stream whose head said {@code streamContentType}, for APIs whose
   * one route streams in more than one framing (Gemini: SSE with {@code alt=sse}, else a JSON array).
   */
  default Buffer streamEvent(GatewayError error, String streamContentType) {
    return streamEvent(error);
  }

  /** Headers an error answer carries besides its body (Bedrock names the error in {@code x-amzn-ErrorType}). */
  default Map<String, String> headers(GatewayError error) {
    return Map.of();
  }
}
