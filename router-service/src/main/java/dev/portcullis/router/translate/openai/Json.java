package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.TranslationException;
import java.io.IOException;
import java.util.Optional;

/** JSON helpers shared by the translators. The mapper is configured once and never mutated. */
public final class Json {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private Json() {}

  public static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  public static ArrayNode array() {
    return JsonNodeFactory.instance.arrayNode();
  }

  public static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always serializes", e);
    }
  }

  /** Parses bytes that may not be JSON at all (error bodies of proxies and load balancers). */
  public static Optional<JsonNode> tryParse(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return Optional.empty();
    }
    try {
      return Optional.ofNullable(MAPPER.readTree(bytes));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses the {@code arguments} string of an OpenAI tool call into the object that native APIs
   * want. An empty string means no arguments.
   */
  public static ObjectNode parseArguments(JsonNode arguments, String path) {
    if (arguments == null || arguments.isNull()) {
      return object();
    }
    if (arguments.isObject()) {
      return (ObjectNode) arguments;
    }
    String text = arguments.asText();
    if (text.isBlank()) {
      return object();
    }
    JsonNode parsed;
    try {
      parsed = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new TranslationException(path + " is not valid JSON: " + e.getOriginalMessage(), path);
    }
    if (parsed == null || !parsed.isObject()) {
      throw new TranslationException(path + " must be a JSON object", path);
    }
    return (ObjectNode) parsed;
  }

  /** Text of a field, or null when it is absent or JSON null. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  public static boolean has(JsonNode node, String field) {
    return node != null && node.hasNonNull(field);
  }

  public static long longOr(JsonNode node, String field, long fallback) {
    return has(node, field) ? node.get(field).asLong() : fallback;
  }
}
