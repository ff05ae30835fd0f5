package dev.portcullis.common.limit;

/**
 * What a rule limits. Each has its counter ({@link #key}), its window and its name in the
 * {@code x-ratelimit-*} headers of a refusal.
 */
public enum LimitMetric {
  REQUESTS("requests"), TOKENS("tokens"), STREAMS("streams"), SPEND("spend-usd");

  private final String header;

  LimitMetric(String header) {
    this.header = header;
  }

  /** Its suffix in {@code x-ratelimit-limit-<suffix>} and the other headers. */
  public String header() {
    return header;
  }

  /** The limit the rule sets for this metric (nano-dollars for spend), or -1 when it sets none. */
  public long limitOf(LimitRule rule) {
    Long value = switch (this) {
      case REQUESTS -> rule.requestsPerMinute();
      case TOKENS -> rule.tokensPerMinute();
      case STREAMS -> rule.concurrentStreams();
      case SPEND -> rule.spendUsd() == null ? null : rule.spendUsd().nanoUsd();
    };
    return value == null ? -1 : value;
  }

  public LimitWindow windowOf(LimitRule rule) {
    return switch (this) {
      case REQUESTS, TOKENS -> LimitWindow.MINUTE;
      case STREAMS -> LimitWindow.NOW;
      case SPEND -> rule.spendUsd().window();
    };
  }

  /**
   * The shared counter of this metric of a rule. Spend is keyed by the rule's revision too: an
   * edited rule may cover other calls or another window, so it counts afresh from the ledger.
   */
  public String key(LimitRule rule) {
    String key = "limit/" + rule.id() + "/" + name().toLowerCase(java.util.Locale.ROOT);
    return this == SPEND ? key + "/" + rule.revision() + "/" + rule.spendUsd().window().wire() : key;
  }
}
