package dev.portcullis.router.translate.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.TokenUsage;

/** Bedrock reports cache reads and writes apart from {@code inputTokens}; OpenAI counts them in. */
final class BedrockUsage {

  private BedrockUsage() {}

  static TokenUsage toOpenAi(JsonNode usage) {
    long cacheRead = Json.longOr(usage, "cacheReadInputTokens", 0);
    return new TokenUsage(
        Json.longOr(usage, "inputTokens", 0) + cacheRead + Json.longOr(usage, "cacheWriteInputTokens", 0),
        Json.longOr(usage, "outputTokens", 0),
        cacheRead,
        0);
  }
}
