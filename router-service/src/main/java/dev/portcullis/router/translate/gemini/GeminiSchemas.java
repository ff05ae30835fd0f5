package dev.portcullis.router.translate.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.openai.Json;
import java.util.Map;
import java.util.Set;

/**
 * Gemini's {@code parameters} take an OpenAPI subset that rejects some JSON Schema keywords.
 * Those keywords are removed at every level, but never a property that happens to share the name
 * (the keys of {@code properties} are property names, not keywords).
 */
final class GeminiSchemas {

  private static final Set<String> UNSUPPORTED = Set.of("additionalProperties", "$schema", "strict");

  private GeminiSchemas() {}

  static JsonNode clean(JsonNode schema) {
    if (schema == null) {
      return null;
    }
    if (schema.isArray()) {
      ArrayNode copy = Json.array();
      schema.forEach(item -> copy.add(clean(item)));
      return copy;
    }
    if (!schema.isObject()) {
      return schema;
    }
    ObjectNode copy = Json.object();
    for (Map.Entry<String, JsonNode> field : schema.properties()) {
      if (UNSUPPORTED.contains(field.getKey())) {
        continue;
      }
      if ("properties".equals(field.getKey()) && field.getValue().isObject()) {
        ObjectNode properties = copy.putObject("properties");
        field.getValue().properties().forEach(p -> properties.set(p.getKey(), clean(p.getValue())));
      } else {
        copy.set(field.getKey(), clean(field.getValue()));
      }
    }
    return copy;
  }
}
