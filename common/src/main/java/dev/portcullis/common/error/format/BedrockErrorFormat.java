package dev.portcullis.common.error.format;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.stream.eventstream.EventStreamEncoder;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Bedrock's errors as the AWS SDKs read them: a JSON body {@code {"message"}} and the error's name
 * in the {@code x-amzn-ErrorType} header. A stream that fails midway ends with an event-stream
 * {@code exception} frame ({@code :exception-type} such as {@code serviceUnavailableException}),
 * which the SDKs raise as that exception.
 */
public final class BedrockErrorFormat implements ApiErrorFormat {

  public static final BedrockErrorFormat INSTANCE = new BedrockErrorFormat();

  public static final String ERROR_TYPE_HEADER = "x-amzn-ErrorType";

  @Override
  public Buffer body(GatewayError error) {
    return payload(error);
  }

  @Override
  public Map<String, String> headers(GatewayError error) {
    return Map.of(ERROR_TYPE_HEADER, errorType(error.kind()));
  }

  @Override
  public Buffer streamEvent(GatewayError error) {
    String type = errorType(error.kind());
    // Event-stream exception types are the error names with a lower-case first letter.
    String exceptionType = Character.toLowerCase(type.charAt(0)) + type.substring(1);
    return EventStreamEncoder.encode(EventStreamMessage.exception(exceptionType, payload(error)));
  }

  private static Buffer payload(GatewayError error) {
    return new JsonObject().put("message", error.message()).toBuffer();
  }

  /** Bedrock runtime's exception names for each kind of error. */
  static String errorType(ErrorKind kind) {
    return switch (kind) {
      case INVALID_REQUEST, METHOD_NOT_ALLOWED, REQUEST_TIMEOUT, PAYLOAD_TOO_LARGE, URI_TOO_LONG, EXPECTATION_FAILED, HEADERS_TOO_LARGE,
          HTTP_VERSION_NOT_SUPPORTED -> "ValidationException";
      case AUTHENTICATION -> "UnrecognizedClientException";
      case PERMISSION -> "AccessDeniedException";
      case NOT_FOUND -> "ResourceNotFoundException";
      case RATE_LIMITED -> "ThrottlingException";
      case INTERNAL -> "InternalServerException";
      case UPSTREAM_UNREACHABLE, UNAVAILABLE, UPSTREAM_TIMEOUT -> "ServiceUnavailableException";
    };
  }
}
