package dev.portcullis.policy.document;

/**
 * What a sensitive-data rule looks at: what is sent upstream ({@code request}, the default), the
 * answer, or both. Questions about one side are asked with {@link #REQUEST} or {@link #ANSWER}.
 */
public enum Direction implements PolicyWord {
  REQUEST("request"),
  ANSWER("answer"),
  BOTH("both");

  private final String word;

  Direction(String word) {
    this.word = word;
  }

  @Override
  public String word() {
    return word;
  }

  /** Whether a rule of this direction applies to {@code side} ({@link #REQUEST} or {@link #ANSWER}). */
  public boolean covers(Direction side) {
    if (side == BOTH) {
      throw new IllegalArgumentException("ask about one side: REQUEST or ANSWER");
    }
    return this == BOTH || this == side;
  }
}
