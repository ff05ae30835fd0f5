package dev.portcullis.policy.conversation;

/**
 * A body that has no conversation to read: not JSON, or JSON that is not an object. The message
 * says what is wrong without quoting the body, which may hold anything the client or the model
 * wrote.
 */
public final class ConversationFormatException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConversationFormatException(String message) {
    super(message);
  }
}
