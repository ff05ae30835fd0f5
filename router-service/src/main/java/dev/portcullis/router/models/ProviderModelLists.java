package dev.portcullis.router.models;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the model list each provider verticle answers with: OpenAI-style {@code {"data":[{"id"}]}}
 * (OpenAI and its kin, Azure, Anthropic, Bedrock's inference profiles) or
 * {@code {"models":[{"name"}]}} (Gemini, whose names are {@code models/<id>}, and Cohere).
 */
final class ProviderModelLists {

  private ProviderModelLists() {}

  static List<ListedModel> read(String provider, JsonNode answer) {
    List<ListedModel> models = new ArrayList<>();
    if (answer == null) {
      throw new IllegalArgumentException("the answer is not JSON");
    }
    if (answer.path("data").isArray()) {
      for (JsonNode model : answer.get("data")) {
        String id = model.path("id").asText("");
        if (!id.isEmpty()) {
          models.add(new ListedModel(id, created(model)));
        }
      }
    } else if (answer.path("models").isArray()) {
      for (JsonNode model : answer.get("models")) {
        String name = model.path("name").asText("");
        if (name.startsWith("models/")) {
          name = name.substring("models/".length());
        }
        if (!name.isEmpty() && chatCapable(model)) {
          models.add(new ListedModel(name, created(model)));
        }
      }
    } else {
      throw new IllegalArgumentException("the answer has neither a data nor a models list");
    }
    return models;
  }

  /** Gemini says which methods a model serves; embedding-only models cannot be chatted with. */
  private static boolean chatCapable(JsonNode model) {
    JsonNode methods = model.get("supportedGenerationMethods");
    if (methods == null || !methods.isArray()) {
      return true;
    }
    for (JsonNode method : methods) {
      if (method.asText().equals("generateContent")) {
        return true;
      }
    }
    return false;
  }

  private static long created(JsonNode model) {
    if (model.path("created").isNumber()) {
      return model.get("created").asLong();
    }
    String createdAt = model.path("created_at").asText(null);
    if (createdAt != null) {
      try {
        return Instant.parse(createdAt).getEpochSecond();
      } catch (DateTimeParseException e) {
        return 0;
      }
    }
    return 0;
  }
}
