package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.json.ClientJsonLimits;
import java.io.IOException;
import java.util.Optional;

/** JSON helpers shared by the translators. The mapper is configured once and never mutated. */
public final class Json {

  // Tool-call arguments are client text: read under the same bounds as the request itself.
  private static final ObjectMapper MAPPER = new ObjectMapper(ClientJsonLimits.boundedFactory(Integer.MAX_VALUE));

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
    } catch (IOException | NumberFormatException | ArithmeticException e) {
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
      throw GatewayError.invalidRequest(path + " is not valid JSON: " + e.getOriginalMessage(), path).toException();
    } catch (NumberFormatException | ArithmeticException e) {
      throw GatewayError.invalidRequest(path + " holds a number out of range", path).toException();
    }
    if (parsed == null || !parsed.isObject()) {
      throw GatewayError.invalidRequest(path + " must be a JSON object", path).toException();
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

  /**
   * A whole number a client sent for {@code field}, or {@code null} when absent or JSON null.
   * Anything else, a fraction, a string, or a number outside 0..Integer.MAX_VALUE such as
   * {@code 1E+999999999} (which {@code asInt()} would silently turn into 0), is a 400.
   */
  public static Integer nonNegativeInt(JsonNode node, String field) {
    if (!has(node, field)) {
      return null;
    }
    JsonNode value = node.get(field);
    if (value.isNumber()) {
      java.math.BigDecimal number = value.decimalValue();
      // precision - scale is the count of integer digits: checked before anything is expanded.
      if (number.signum() >= 0 && number.precision() - number.scale() <= 10) {
        try {
          return number.stripTrailingZeros().intValueExact();
        } catch (ArithmeticException notWholeOrTooLarge) {
          // falls through to the 400
        }
      }
    }
    throw GatewayError.invalidRequest("'" + field + "' must be a whole number from 0 to " + Integer.MAX_VALUE,
            field).toException();
  }

  public static long longOr(JsonNode node, String field, long fallback) {
    return has(node, field) ? node.get(field).asLong() : fallback;
  }
}
