package dev.portcullis.router.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.TokenUsage;

/** Gemini counts thinking apart from candidates; OpenAI completion tokens include reasoning. */
final class GeminiUsage {

  private GeminiUsage() {}

  static TokenUsage toOpenAi(JsonNode usageMetadata) {
    long thoughts = Json.longOr(usageMetadata, "thoughtsTokenCount", 0);
    return new TokenUsage(
        Json.longOr(usageMetadata, "promptTokenCount", 0),
        Json.longOr(usageMetadata, "candidatesTokenCount", 0) + thoughts,
        Json.longOr(usageMetadata, "cachedContentTokenCount", 0),
        thoughts);
  }
}
