package dev.portcullis.auth.store;

/** A write that would break a uniqueness rule; {@code field} names the request field at fault. */
public final class DuplicateException extends RuntimeException {

  private final String field;

  public DuplicateException(String message, String field) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
