package dev.portcullis.router.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.TokenUsage;

/**
 * Anthropic reports cached prompt tokens apart from {@code input_tokens}; OpenAI's prompt count
 * includes them, so cache reads and writes are added back. The reads are OpenAI's
 * {@code cached_tokens}; thinking is not counted apart from {@code output_tokens}, so reasoning
 * stays unknown. A count Anthropic leaves out is -1.
 */
final class AnthropicUsage {

  private AnthropicUsage() {}

  static TokenUsage toOpenAi(long input, long cacheWrite, long cacheRead, long output) {
    return new TokenUsage(input + Math.max(cacheWrite, 0) + Math.max(cacheRead, 0), output, cacheRead, cacheWrite, -1);
  }

  static TokenUsage toOpenAi(JsonNode usage) {
    return toOpenAi(
        Json.longOr(usage, "input_tokens", 0),
        Json.longOr(usage, "cache_creation_input_tokens", -1),
        Json.longOr(usage, "cache_read_input_tokens", -1),
        Json.longOr(usage, "output_tokens", 0));
  }
}
