package dev.portcullis.common.error.format;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic's error object, {@code {"type":"error","error":{"type","message"}}}, with the type
 * names Anthropic's API uses for each status. In a stream, the error is an {@code event: error},
 * which the Anthropic SDKs raise as an exception.
 */
public final class AnthropicErrorFormat implements ApiErrorFormat {

  public static final AnthropicErrorFormat INSTANCE = new AnthropicErrorFormat();

  @Override
  public Buffer body(GatewayError error) {
    return json(error).toBuffer();
  }

  @Override
  public Buffer streamEvent(GatewayError error) {
    return Buffer.buffer("event: error\ndata: ").appendBuffer(json(error).toBuffer()).appendString("\n\n");
  }

  private static JsonObject json(GatewayError error) {
    return new JsonObject()
        .put("type", "error")
        .put("error", new JsonObject().put("type", type(error.kind())).put("message", error.message()));
  }

  static String type(ErrorKind kind) {
    return switch (kind) {
      case INVALID_REQUEST, METHOD_NOT_ALLOWED, REQUEST_TIMEOUT, URI_TOO_LONG, EXPECTATION_FAILED, HEADERS_TOO_LARGE,
          HTTP_VERSION_NOT_SUPPORTED -> "invalid_request_error";
      case AUTHENTICATION -> "authentication_error";
      case PERMISSION -> "permission_error";
      case NOT_FOUND -> "not_found_error";
      case PAYLOAD_TOO_LARGE -> "request_too_large";
      case RATE_LIMITED -> "rate_limit_error";
      case UPSTREAM_TIMEOUT -> "timeout_error";
      case INTERNAL, UPSTREAM_UNREACHABLE, UNAVAILABLE -> "api_error";
    };
  }
}
