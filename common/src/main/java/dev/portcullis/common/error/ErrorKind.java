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
  /** The request body stopped arriving before it was complete. */
  REQUEST_TIMEOUT(408),
  PAYLOAD_TOO_LARGE(413),
  /** The request line is longer than the server reads. */
  URI_TOO_LONG(414),
  /** An {@code Expect} header other than {@code 100-continue}. */
  EXPECTATION_FAILED(417),
  RATE_LIMITED(429),
  /** More header bytes or fields than the server reads. */
  HEADERS_TOO_LARGE(431),
  INTERNAL(500),
  UPSTREAM_UNREACHABLE(502),
  UNAVAILABLE(503),
  UPSTREAM_TIMEOUT(504),
  /** A request in another HTTP version than 1.0 or 1.1. */
  HTTP_VERSION_NOT_SUPPORTED(505);

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
