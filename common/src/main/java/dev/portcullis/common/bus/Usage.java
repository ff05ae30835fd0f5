package dev.portcullis.common.bus;

/**
 * Token usage of one call, as read from the upstream's answer or the last events of its stream.
 * Counts are -1 when the upstream did not report them.
 *
 * <p>{@code inputTokens} is every input token the call was billed for, cached ones included (the
 * way OpenAI reports {@code prompt_tokens}); {@code cachedInputTokens} is the part of it read from
 * the provider's prompt cache, {@code cacheWriteTokens} the part written to it (Anthropic's
 * {@code cache_creation_input_tokens}, Bedrock's {@code cacheWriteInputTokens}).
 * {@code outputTokens} is every output token, reasoning ones included; {@code reasoningTokens} is
 * the part spent on reasoning. Where a provider reports cached or cache-write tokens apart from
 * its input count (Anthropic), the reader adds them in, so every provider means the same thing.
 */
public record Usage(String model, long inputTokens, long outputTokens, long cachedInputTokens,
    long cacheWriteTokens, long reasoningTokens) {

  public static final Usage UNKNOWN = new Usage(null, -1, -1);

  /** Input and output only: the provider reports nothing about caches or reasoning. */
  public Usage(String model, long inputTokens, long outputTokens) {
    this(model, inputTokens, outputTokens, -1, -1, -1);
  }

  public boolean known() {
    return inputTokens >= 0 || outputTokens >= 0;
  }

  public Usage withModelIfAbsent(String fallback) {
    return model == null && fallback != null
        ? new Usage(fallback, inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens)
        : this;
  }
}
