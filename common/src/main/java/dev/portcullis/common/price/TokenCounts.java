package dev.portcullis.common.price;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.usage.UsageRecord;

/**
 * The token counts of one call, as {@link Usage} defines them: {@code input} includes the cached
 * and cache-write tokens, {@code output} includes the reasoning tokens, and -1 means the provider
 * did not report that count.
 */
public record TokenCounts(long input, long output, long cachedInput, long cacheWrite, long reasoning) {

  public static TokenCounts of(Usage usage) {
    return new TokenCounts(usage.inputTokens(), usage.outputTokens(), usage.cachedInputTokens(),
        usage.cacheWriteTokens(), usage.reasoningTokens());
  }

  public static TokenCounts of(UsageRecord record) {
    return new TokenCounts(record.inputTokens(), record.outputTokens(), record.cachedInputTokens(),
        record.cacheWriteTokens(), record.reasoningTokens());
  }

  /** Whether anything can be priced: at least one of input and output was reported. */
  public boolean known() {
    return input >= 0 || output >= 0;
  }
}
