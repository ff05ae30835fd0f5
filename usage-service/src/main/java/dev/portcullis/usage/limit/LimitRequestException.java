package dev.portcullis.usage.limit;

/**
 * A limit admin call refused: its status, a message that says what to fix (never echoing more of
 * the request than a field name) and the field at fault, or null.
 */
final class LimitRequestException extends RuntimeException {

  private final int status;
  private final String field;

  LimitRequestException(int status, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  static LimitRequestException badField(String field, String message) {
    return new LimitRequestException(400, message, field);
  }

  static LimitRequestException notFound() {
    return new LimitRequestException(404, "No limit rule has this id", null);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }
}
