package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;

/**
 * Token counts in OpenAI terms. Each translator does its provider's arithmetic (cache reads and
 * writes added to the prompt for Anthropic and Bedrock, thoughts added to the completion for
 * Gemini) before building one of these, so the total is always prompt plus completion.
 *
 * <p>{@code cachedTokens} (the part of the prompt read from the cache), {@code cacheWriteTokens}
 * (the part written to it) and {@code reasoningTokens} (the part of the completion spent on
 * reasoning) are -1 when the provider does not report them; the OpenAI {@code usage} object then
 * leaves out the details it cannot fill rather than claim 0.
 */
public record TokenUsage(long promptTokens, long completionTokens, long cachedTokens, long cacheWriteTokens,
    long reasoningTokens) {

  /** Prompt and completion only: nothing is known about caches or reasoning. */
  public static TokenUsage of(long promptTokens, long completionTokens) {
    return new TokenUsage(promptTokens, completionTokens, -1, -1, -1);
  }

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  /**
   * OpenAI's chat {@code usage} object, with {@code prompt_tokens_details.cached_tokens} and
   * {@code completion_tokens_details.reasoning_tokens} when known (OpenAI has no field for cache
   * writes).
   */
  public ObjectNode toJson() {
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", totalTokens());
    if (cachedTokens >= 0) {
      usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
    }
    if (reasoningTokens >= 0) {
      usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
    }
    return usage;
  }

  /** The usage the gateway records for the call: every count, the details included. */
  public Usage toBusUsage(String model) {
    return new Usage(model, promptTokens, completionTokens, cachedTokens, cacheWriteTokens, reasoningTokens);
  }
}
