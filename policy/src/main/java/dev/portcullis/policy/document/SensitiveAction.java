package dev.portcullis.policy.document;

/** What happens when a sensitive-data detector finds something. */
public enum SensitiveAction implements PolicyWord {
  /** The call (or the answer) is refused. */
  BLOCK("block"),
  /** The finding is replaced by a typed placeholder such as {@code [REDACTED:email]}. */
  REDACT("redact"),
  /** The finding is counted and logged (its detector and position, never its text); nothing changes. */
  LOG("log");

  private final String word;

  SensitiveAction(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }
}
