package dev.portcullis.router.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.TokenUsage;

/**
 * Bedrock reports cache reads and writes apart from {@code inputTokens}; OpenAI counts them in.
 * The reads are OpenAI's {@code cached_tokens}; a count Bedrock leaves out is -1, and it reports no
 * reasoning count.
 */
final class BedrockUsage {

  private BedrockUsage() {}

  static TokenUsage toOpenAi(JsonNode usage) {
    long cacheRead = Json.longOr(usage, "cacheReadInputTokens", -1);
    long cacheWrite = Json.longOr(usage, "cacheWriteInputTokens", -1);
    return new TokenUsage(
        Json.longOr(usage, "inputTokens", 0) + Math.max(cacheRead, 0) + Math.max(cacheWrite, 0),
        Json.longOr(usage, "outputTokens", 0),
        cacheRead,
        cacheWrite,
        -1);
  }
}
