package dev.portcullis.common.limit;

/** A rule the admin API cannot take: which field, and what is wrong with it. */
public final class LimitRuleException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;
  private final String field;

  public LimitRuleException(String field, String message) {
    super(field == null ? message : "'" + field + "' " + message);
    this.field = field;
  }

  /** The field at fault ({@code spendUsd.window}), or {@code null} for the rule as a whole. */
  public String field() {
    return field;
  }
}
