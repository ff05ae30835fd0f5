package dev.portcullis.common.error;

/**
 * What went wrong, independent of the API the client called. Each API's renderer maps a kind to
 * its own type names (OpenAI {@code invalid_request_error}, Anthropic {@code not_found_error}, ...).
 */
public enum ErrorKind {
  INVALID_REQUEST(400),
  AUTHENTICATION(401),
  PERMISSION(403),
  NOT_FOUND(404),
  METHOD_NOT_ALLOWED(405),
  PAYLOAD_TOO_LARGE(413),
  RATE_LIMITED(429),
  INTERNAL(500),
  UPSTREAM_UNREACHABLE(502),
  UNAVAILABLE(503),
  UPSTREAM_TIMEOUT(504);

  private final int status;

  ErrorKind(int status) {
    this.status = status;
  }

  public int status() {
    return status;
  }

  public static ErrorKind fromStatus(int status) {
    for (ErrorKind kind : values()) {
      if (kind.status == status) {
        return kind;
      }
    }
    return status >= 500 ? INTERNAL : INVALID_REQUEST;
  }
}
