package dev.portcullis.policy.document;

import java.util.regex.Pattern;

/**
 * A rule's id: the short label the document gives it, else its position such as
 * {@code toolInvocation[2]}. Blocks, logs and metrics name rules by it.
 */
public final class RuleId {

  /** What a label the document gives may be. */
  public static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private RuleId() {}

  /**
   * @param label the id the document gave, or null
   * @param list where the rule is, such as {@code toolInvocation} or {@code trustedData.rules}
   * @param index its position in that list
   */
  public static String of(String label, String list, int index) {
    return label != null ? label : list + "[" + index + "]";
  }
}
