package dev.portcullis.auth.admin;

/** An admin call refused with a status, a message that says what to fix, and the field at fault (or null). */
final class AdminRequestException extends RuntimeException {

  private final int status;
  private final String field;

  AdminRequestException(int status, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  static AdminRequestException badField(String field, String message) {
    return new AdminRequestException(400, message, field);
  }

  static AdminRequestException notFound(String message) {
    return new AdminRequestException(404, message, null);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }
}
