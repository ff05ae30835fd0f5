package dev.portcullis.policy.answer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads and writes the JSON of answers and events for the Responses, Cohere and Bedrock gates.
 * Numbers keep their exact digits ({@code 1.0} stays {@code 1.0}, long decimals are not rounded to
 * a double), so an answer that has to be rewritten changes only where a call was blocked.
 */
final class ResponsesCohereBedrockJson {

  private static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      // A body with something after its JSON is malformed: it is left as it came, not half-read.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private ResponsesCohereBedrockJson() {}

  /** The JSON object in {@code text}, or null when it is not one JSON object. */
  static ObjectNode object(String text) {
    try {
      return MAPPER.readTree(text) instanceof ObjectNode object ? object : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** The JSON object in {@code bytes}, or null when they are not one JSON object. */
  static ObjectNode object(Buffer bytes) {
    try {
      return MAPPER.readTree(bytes.getBytes()) instanceof ObjectNode object ? object : null;
    } catch (IOException e) {
      return null;
    }
  }

  static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  static String encode(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      // A tree that was read or built here always serialises.
      throw new IllegalStateException(e);
    }
  }

  /** A text field's value, or null when the field is absent or not text. */
  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  /** An integer field's value, or null when the field is absent or not an integer. */
  static Integer integer(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.canConvertToInt() && value.isIntegralNumber() ? value.intValue() : null;
  }
}
