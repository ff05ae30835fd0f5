package dev.portcullis.usage.price;

/**
 * A price admin call refused: its status, a message that says what to fix (never echoing more of
 * the request than a field name) and the field at fault, or null.
 */
final class PriceRequestException extends RuntimeException {

  private final int status;
  private final String field;

  PriceRequestException(int status, String message, String field) {
    super(message, null, false, false);
    this.status = status;
    this.field = field;
  }

  static PriceRequestException badField(String field, String message) {
    return new PriceRequestException(400, message, field);
  }

  int status() {
    return status;
  }

  String field() {
    return field;
  }
}
