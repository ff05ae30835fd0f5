package dev.portcullis.policy.document;

/** How far a tool's result is trusted. */
public enum Trust implements PolicyWord {
  TRUSTED("trusted"),
  /** The result makes the context of every later call in the conversation untrusted. */
  UNTRUSTED("untrusted"),
  /** The call that carries the result is refused before it reaches the provider. */
  BLOCKED("blocked");

  private final String word;

  Trust(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }
}
