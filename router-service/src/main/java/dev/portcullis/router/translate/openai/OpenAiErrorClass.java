package dev.portcullis.router.translate.openai;

/**
 * The classes of upstream failure an OpenAI client can tell apart, with the status, type and
 * code it receives for each. Statuses follow what official OpenAI SDKs
 * retry: 429 and 5xx are retried, 4xx are not.
 */
public enum OpenAiErrorClass {
  INVALID_REQUEST(400, "invalid_request_error", null),
  AUTHENTICATION(401, "authentication_error", "invalid_api_key"),
  PERMISSION(403, "permission_error", null),
  NOT_FOUND(404, "not_found_error", "model_not_found"),
  PAYLOAD_TOO_LARGE(413, "invalid_request_error", "request_too_large"),
  QUOTA_EXHAUSTED(429, "insufficient_quota", "insufficient_quota"),
  RATE_LIMITED(429, "rate_limit_error", "rate_limit_exceeded"),
  /** Cohere's 499: the caller went away, so nothing is worth sending; the status says so. */
  CLIENT_CLOSED(499, "client_closed_request", null),
  INTERNAL(500, "api_error", null),
  MODEL_FAILURE(502, "api_error", "model_error"),
  OVERLOADED(503, "api_error", "overloaded"),
  TIMEOUT(504, "api_error", "timeout");

  private final int status;
  private final String type;
  private final String code;

  OpenAiErrorClass(int status, String type, String code) {
    this.status = status;
    this.type = type;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String code() {
    return code;
  }

  /** The class of an upstream HTTP status when the body names nothing more precise. */
  public static OpenAiErrorClass fromStatus(int status) {
    switch (status) {
      case 401:
      case 498:
        return AUTHENTICATION;
      case 402:
        return QUOTA_EXHAUSTED;
      case 403:
        return PERMISSION;
      case 404:
        return NOT_FOUND;
      case 408:
      case 504:
        return TIMEOUT;
      case 413:
        return PAYLOAD_TOO_LARGE;
      case 424:
        return MODEL_FAILURE;
      case 429:
        return RATE_LIMITED;
      case 499:
        return CLIENT_CLOSED;
      case 502:
        return MODEL_FAILURE;
      case 503:
      case 529:
        return OVERLOADED;
      default:
        return status >= 500 ? INTERNAL : INVALID_REQUEST;
    }
  }
}
