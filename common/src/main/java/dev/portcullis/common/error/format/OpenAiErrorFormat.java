package dev.portcullis.common.error.format;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI's error object, {@code {"error":{"message","type","param","code"}}}, with the type names
 * the OpenAI SDKs and servers use. In a stream, the error is a {@code data:} event, which the
 * SDKs raise as an exception.
 */
public final class OpenAiErrorFormat implements ApiErrorFormat {

  public static final OpenAiErrorFormat INSTANCE = new OpenAiErrorFormat();

  @Override
  public Buffer body(GatewayError error) {
    return json(error).toBuffer();
  }

  @Override
  public Buffer streamEvent(GatewayError error) {
    return Buffer.buffer("data: ").appendBuffer(json(error).toBuffer()).appendString("\n\n");
  }

  private static JsonObject json(GatewayError error) {
    return new JsonObject().put("error", new JsonObject()
        .put("message", error.message())
        .put("type", type(error.kind()))
        .put("param", error.param())
        .put("code", code(error.kind())));
  }

  static String type(ErrorKind kind) {
    return switch (kind) {
      case INVALID_REQUEST, NOT_FOUND, METHOD_NOT_ALLOWED, REQUEST_TIMEOUT, PAYLOAD_TOO_LARGE, URI_TOO_LONG, EXPECTATION_FAILED,
          HEADERS_TOO_LARGE, HTTP_VERSION_NOT_SUPPORTED -> "invalid_request_error";
      case AUTHENTICATION -> "authentication_error";
      case PERMISSION -> "permission_error";
      case RATE_LIMITED -> "rate_limit_error";
      case UPSTREAM_UNREACHABLE, UPSTREAM_TIMEOUT, UNAVAILABLE, INTERNAL -> "api_error";
    };
  }

  private static String code(ErrorKind kind) {
    return switch (kind) {
      case NOT_FOUND -> "not_found";
      case METHOD_NOT_ALLOWED -> "method_not_allowed";
      case PAYLOAD_TOO_LARGE -> "request_too_large";
      case URI_TOO_LONG -> "uri_too_long";
      case EXPECTATION_FAILED -> "expectation_failed";
      case HEADERS_TOO_LARGE -> "headers_too_large";
      case HTTP_VERSION_NOT_SUPPORTED -> "http_version_not_supported";
      case AUTHENTICATION -> "invalid_api_key";
      case RATE_LIMITED -> "rate_limit_exceeded";
      case UPSTREAM_UNREACHABLE -> "upstream_unreachable";
      case UPSTREAM_TIMEOUT -> "upstream_timeout";
      case UNAVAILABLE -> "provider_unavailable";
      default -> null;
    };
  }
}
