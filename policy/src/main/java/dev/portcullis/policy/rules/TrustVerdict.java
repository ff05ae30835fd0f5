package dev.portcullis.policy.rules;

import dev.portcullis.policy.document.Trust;

/**
 * How far one tool result is trusted, and why.
 *
 * @param trust {@link Trust#TRUSTED}, {@link Trust#UNTRUSTED} or {@link Trust#BLOCKED}
 * @param ruleId the id of the trust rule that decided, or {@link #DEFAULT_RULE} when none matched
 */
public record TrustVerdict(Trust trust, String ruleId) {

  /** The rule id of a verdict no rule made: the document's default trust decided. */
  public static final String DEFAULT_RULE = "trustedData.default";
}
