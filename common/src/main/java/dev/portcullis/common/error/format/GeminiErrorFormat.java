package dev.portcullis.common.error.format;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Google's error object (google.rpc.Status as JSON), {@code {"error":{"code","message","status"}}},
 * with the canonical status names Gemini and Vertex AI use. A stream that fails midway ends with
 * an element carrying that object, which the google-genai SDKs check every chunk for: a
 * {@code data:} event for {@code alt=sse} streams, the array's last element otherwise.
 */
public final class GeminiErrorFormat implements ApiErrorFormat {

  public static final GeminiErrorFormat INSTANCE = new GeminiErrorFormat();

  @Override
  public Buffer body(GatewayError error) {
    return json(error).toBuffer();
  }

  @Override
  public Buffer streamEvent(GatewayError error) {
    return Buffer.buffer("data: ").appendBuffer(json(error).toBuffer()).appendString("\r\n\r\n");
  }

  @Override
  public Buffer streamEvent(GatewayError error, String streamContentType) {
    if (streamContentType != null && streamContentType.startsWith("text/event-stream")) {
      return streamEvent(error);
    }
    // The array form: Gemini opens it with its first element at once, so the error follows a comma
    // and closes the array, which keeps the body parseable for clients that read it whole.
    return Buffer.buffer(",\r\n").appendBuffer(json(error).toBuffer()).appendString("]");
  }

  private static JsonObject json(GatewayError error) {
    return new JsonObject().put("error", new JsonObject()
        .put("code", error.status())
        .put("message", error.message())
        .put("status", status(error.kind())));
  }

  /** The canonical code (google.rpc.Code) Google's APIs pair with each HTTP status. */
  static String status(ErrorKind kind) {
    return switch (kind) {
      case INVALID_REQUEST, PAYLOAD_TOO_LARGE, URI_TOO_LONG, HEADERS_TOO_LARGE -> "INVALID_ARGUMENT";
      case REQUEST_TIMEOUT -> "DEADLINE_EXCEEDED";
      case EXPECTATION_FAILED -> "FAILED_PRECONDITION";
      case AUTHENTICATION -> "UNAUTHENTICATED";
      case PERMISSION -> "PERMISSION_DENIED";
      case NOT_FOUND -> "NOT_FOUND";
      case METHOD_NOT_ALLOWED, HTTP_VERSION_NOT_SUPPORTED -> "UNIMPLEMENTED";
      case RATE_LIMITED -> "RESOURCE_EXHAUSTED";
      case INTERNAL -> "INTERNAL";
      case UPSTREAM_UNREACHABLE, UNAVAILABLE -> "UNAVAILABLE";
      case UPSTREAM_TIMEOUT -> "DEADLINE_EXCEEDED";
    };
  }
}
