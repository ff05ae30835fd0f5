package dev.portcullis.policy.answer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads and writes the answers the tool-call gates rewrite. Numbers are kept exact (a rewritten
 * answer must not turn a logprob or a token count into something else), and trailing junk after
 * the JSON makes it unreadable rather than silently ignored.
 */
public final class AnswerJson {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private AnswerJson() {}

  /** The JSON object in {@code body}, or null when it is not one. */
  public static ObjectNode object(Buffer body) {
    try {
      return asObject(MAPPER.readTree(body.getBytes()));
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The JSON object {@code parser} is at the start of, read to its end, or null when it is not one
   * (or something follows it).
   */
  static ObjectNode object(JsonParser parser) throws IOException {
    JsonNode node = MAPPER.readTree(parser);
    return node != null && parser.nextToken() == null ? asObject(node) : null;
  }

  /** The JSON object in {@code text}, or null when it is not one. */
  public static ObjectNode object(String text) {
    try {
      return asObject(MAPPER.readTree(text));
    } catch (IOException e) {
      return null;
    }
  }

  /** The JSON value in {@code text}, or null when it is not JSON. */
  public static JsonNode value(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  public static String encode(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always encodes", e);
    }
  }

  public static Buffer encodeBuffer(JsonNode node) {
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree always encodes", e);
    }
  }

  public static ObjectNode newObject() {
    return MAPPER.createObjectNode();
  }

  /** The text of a string field, or null when the field is absent or not a string. */
  public static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  /** An integer field's value, or null when the field is absent or not an integer that fits an int. */
  public static Integer integer(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isIntegralNumber() && value.canConvertToInt() ? value.intValue() : null;
  }

  private static ObjectNode asObject(JsonNode node) {
    return node instanceof ObjectNode object ? object : null;
  }
}
