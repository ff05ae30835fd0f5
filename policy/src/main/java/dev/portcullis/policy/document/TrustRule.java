package dev.portcullis.policy.document;

/**
 * A trusted-data rule: the result of a tool whose name matches {@code tool} (and, when
 * {@code resultMatches} is given, whose text contains a match of it) is trusted, untrusted or
 * blocked. The first rule that matches decides; a result no rule matches gets
 * {@link TrustedData#defaultTrust()}.
 *
 * @param id the label the document gives the rule, or null (its id is then its position)
 */
public record TrustRule(String id, ToolGlob tool, TextPattern resultMatches, Trust trust) {

  public TrustRule {
    if (tool == null || trust == null) {
      throw new IllegalArgumentException("a trust rule needs a tool and a trust");
    }
  }

  public static TrustRule of(String tool, Trust trust) {
    return new TrustRule(null, ToolGlob.of(tool), null, trust);
  }
}
