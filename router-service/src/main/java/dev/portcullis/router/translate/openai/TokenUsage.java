package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.Usage;

/**
 * Token counts in OpenAI terms. Each translator does its provider's arithmetic (cache reads and
 * writes added to the prompt for Anthropic and Bedrock, thoughts added to the completion for
 * Gemini) before building one of these, so the total is always prompt plus completion.
 */
public record TokenUsage(long promptTokens, long completionTokens, long cachedTokens, long reasoningTokens) {

  public long totalTokens() {
    return promptTokens + completionTokens;
  }

  public ObjectNode toJson() {
    ObjectNode usage = Json.object();
    usage.put("prompt_tokens", promptTokens);
    usage.put("completion_tokens", completionTokens);
    usage.put("total_tokens", totalTokens());
    usage.putObject("prompt_tokens_details").put("cached_tokens", cachedTokens);
    usage.putObject("completion_tokens_details").put("reasoning_tokens", reasoningTokens);
    return usage;
  }

  public Usage toBusUsage(String model) {
    return new Usage(model, promptTokens, completionTokens);
  }
}
