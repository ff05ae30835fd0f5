package dev.portcullis.gateway.policy;

import java.util.Map;
import java.util.StringJoiner;

/**
 * What the policies did to one call, for the usage ledger's {@code policy} field: short
 * {@code key=value} parts joined by {@code ; }, in the order they happened, never the data itself
 * (detectors and rule ids name what was found; tool names come from the request, cut to printable
 * ASCII). For example
 * {@code context=untrusted(a result of the tool 'fetch_url' (trustedData.default)); redacted=email:2; blocked-tools=1}.
 */
public final class PolicyNote {

  private final StringJoiner parts = new StringJoiner("; ");
  private boolean empty = true;

  public PolicyNote context(boolean untrusted, String reason) {
    if (untrusted) {
      add("context=untrusted" + (reason == null ? "" : "(" + reason + ")"));
    }
    return this;
  }

  public PolicyNote refused(String rule) {
    return add("refused=" + rule);
  }

  public PolicyNote counts(String what, Map<String, Integer> byDetector) {
    if (!byDetector.isEmpty()) {
      StringJoiner counts = new StringJoiner(",");
      byDetector.forEach((detector, n) -> counts.add(detector + ":" + n));
      add(what + "=" + counts);
    }
    return this;
  }

  public PolicyNote blockedTools(int calls) {
    return calls > 0 ? add("blocked-tools=" + calls) : this;
  }

  private PolicyNote add(String part) {
    parts.add(part);
    empty = false;
    return this;
  }

  /** The note, or null when the policies did nothing worth recording. */
  public String text() {
    return empty ? null : parts.toString();
  }
}
