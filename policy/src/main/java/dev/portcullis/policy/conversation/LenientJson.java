package dev.portcullis.policy.conversation;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.portcullis.common.json.ClientJsonLimits;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Parses a body and reads its fields leniently: a field of the wrong type reads as absent, so
 * the family readers never have to check a type before they look inside.
 */
final class LenientJson {

  // The bounds every reader of client JSON uses (nesting 200 deep, so writing a tree back out
  // never goes deep); duplicate keys are accepted, because the view must read whatever the
  // gateway forwards, and the last value is the one common parsers keep as well.
  private static final ObjectMapper MAPPER = new ObjectMapper(ClientJsonLimits.boundedFactory(Integer.MAX_VALUE))
      // Numbers in arguments are given back as JSON text: kept exact, never a double's rounding
      // (or an Infinity that is not JSON), and 1.0 stays 1.0.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
      // "{...} {...}" is not one body: a provider would refuse it, the view must not pick half.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private LenientJson() {}

  /** The body as a JSON object; anything else is a {@link ConversationFormatException}. */
  static JsonNode parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new ConversationFormatException("the body is empty");
    }
    try (JsonParser parser = MAPPER.createParser(body.getBytes())) {
      return parseObject(parser);
    } catch (IOException closing) {
      throw new ConversationFormatException("the body is not valid JSON");
    }
  }

  /**
   * The JSON object {@code parser} is at the start of, read to its end (and the end checked: a
   * second value after it is no body); anything else is a {@link ConversationFormatException}.
   */
  static JsonNode parseObject(JsonParser parser) {
    JsonNode root;
    try {
      root = MAPPER.readTree(parser);
      if (root != null && parser.nextToken() != null) {
        throw new ConversationFormatException("the body holds more than one JSON value");
      }
    } catch (StreamConstraintsException e) {
      throw new ConversationFormatException("the body exceeds a JSON reading limit (nesting deeper than "
          + ClientJsonLimits.MAX_NESTING_DEPTH + " levels, or a number or field name too long)");
    } catch (JsonProcessingException e) {
      // Jackson's own message quotes the offending token, which is body content: only say where.
      throw new ConversationFormatException("the body is not valid JSON" + where(e.getLocation()));
    } catch (IOException | NumberFormatException | ArithmeticException e) {
      throw new ConversationFormatException("the body is not valid JSON");
    }
    if (root == null || root.isMissingNode()) {
      throw new ConversationFormatException("the body holds no JSON value");
    }
    if (!root.isObject()) {
      throw new ConversationFormatException("the body is JSON but not an object (it is " + kind(root) + ")");
    }
    return root;
  }

  private static String where(JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  private static String kind(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "not an object";
    };
  }

  /** The field's string value; null when it is absent or not a string. */
  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  /** The field's value when it is an object, else a missing node (whose fields all read as absent). */
  static JsonNode object(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isObject() ? value : MissingNode.getInstance();
  }

  /**
   * The field's elements when it is an array, else none. (Iterating a JsonNode directly would
   * walk an object's values, which is how {@code "messages": {...}} would sneak in.)
   */
  static List<JsonNode> array(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return elements(value);
  }

  /** The node's elements when it is an array, else none. */
  static List<JsonNode> elements(JsonNode value) {
    if (value == null || !value.isArray()) {
      return Collections.emptyList();
    }
    List<JsonNode> elements = new ArrayList<>(value.size());
    value.forEach(elements::add);
    return elements;
  }

  /** The value of whichever spelling of a field is present, camelCase first (Gemini takes both). */
  static JsonNode either(JsonNode node, String camelCase, String snakeCase) {
    if (node == null) {
      return null;
    }
    JsonNode value = node.get(camelCase);
    return value != null && !value.isNull() ? value : node.get(snakeCase);
  }

  /**
   * A tool call's arguments as JSON text: a string as sent (OpenAI-style APIs send the arguments
   * as a string of JSON), any other value as its JSON text, {@code "{}"} when there are none.
   * A value of an unexpected type is still given, not dropped: a rule on arguments must see it.
   */
  static String arguments(JsonNode value) {
    if (value == null || value.isNull() || value.isMissingNode()) {
      return "{}";
    }
    if (value.isTextual()) {
      return value.textValue().isBlank() ? "{}" : value.textValue();
    }
    return write(value);
  }

  /** A custom tool's input node as arguments ({@link ToolCall#customInputArguments}); not text: none. */
  static String customInput(JsonNode input) {
    return ToolCall.customInputArguments(input != null && input.isTextual() ? input.textValue() : null);
  }

  /** The node's JSON text. */
  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a parsed JSON tree always serializes", e);
    }
  }
}
