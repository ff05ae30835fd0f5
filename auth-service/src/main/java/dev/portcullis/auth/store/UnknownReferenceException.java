package dev.portcullis.auth.store;

/** A write naming a record that does not exist (or was deleted meanwhile); {@code field} names the request field. */
public final class UnknownReferenceException extends RuntimeException {

  private final String field;

  public UnknownReferenceException(String message, String field) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
