package dev.portcullis.policy.document;

/**
 * A policy document refused: {@code field} is where, as a path such as
 * {@code toolInvocation[1].matches} (null when the document itself is not an object), and the
 * message says what is expected there. Messages quote at most {@value Excerpt#MAX} characters of
 * the input.
 */
public final class PolicyDocumentException extends RuntimeException {

  private final String field;

  public PolicyDocumentException(String field, String message) {
    super(message, null, false, false);
    this.field = field;
  }

  public String field() {
    return field;
  }
}
