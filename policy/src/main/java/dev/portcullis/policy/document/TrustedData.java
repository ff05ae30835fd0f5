package dev.portcullis.policy.document;

import java.util.List;

/**
 * The trusted-data part of a document: how far tool results are trusted. The context of a call is
 * untrusted when any tool result in it is untrusted, or when the client says so.
 *
 * @param defaultTrust what a result gets that no rule matches: {@code trusted} or {@code untrusted}
 *     (the document's {@code default}; {@code untrusted} when absent)
 * @param rules in order; the first that matches decides
 */
public record TrustedData(Trust defaultTrust, List<TrustRule> rules) {

  public static final TrustedData DEFAULT = new TrustedData(Trust.UNTRUSTED, List.of());

  public TrustedData {
    if (defaultTrust == null || defaultTrust == Trust.BLOCKED) {
      throw new IllegalArgumentException("the default trust is trusted or untrusted");
    }
    rules = List.copyOf(rules);
  }
}
