package dev.portcullis.router.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.TokenUsage;

/**
 * Gemini counts thinking apart from candidates; OpenAI completion tokens include reasoning, so
 * thoughts are added in and are the reasoning tokens. {@code promptTokenCount} already includes
 * the cached content ({@code cachedContentTokenCount}). A count Gemini leaves out is -1; it
 * reports no cache writes.
 */
final class GeminiUsage {

  private GeminiUsage() {}

  static TokenUsage toOpenAi(JsonNode usageMetadata) {
    long thoughts = Json.longOr(usageMetadata, "thoughtsTokenCount", -1);
    return new TokenUsage(
        Json.longOr(usageMetadata, "promptTokenCount", 0),
        Json.longOr(usageMetadata, "candidatesTokenCount", 0) + Math.max(thoughts, 0),
        Json.longOr(usageMetadata, "cachedContentTokenCount", -1),
        -1,
        thoughts);
  }
}
