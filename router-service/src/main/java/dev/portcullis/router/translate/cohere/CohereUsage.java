package dev.portcullis.router.translate.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.TokenUsage;

/**
 * {@code usage.tokens} counts everything the model processed; {@code billed_units} only what is
 * billed. The processed count is what OpenAI reports, so it wins when present.
 * {@code usage.cached_tokens}, when present, is the part of the prompt that hit the cache; Cohere
 * reports neither cache writes nor reasoning.
 */
final class CohereUsage {

  private CohereUsage() {}

  static TokenUsage toOpenAi(JsonNode usage) {
    JsonNode tokens = usage.path("tokens");
    JsonNode billed = usage.path("billed_units");
    return new TokenUsage(
        Json.longOr(tokens, "input_tokens", Json.longOr(billed, "input_tokens", 0)),
        Json.longOr(tokens, "output_tokens", Json.longOr(billed, "output_tokens", 0)),
        Json.longOr(usage, "cached_tokens", -1),
        -1,
        -1);
  }
}
