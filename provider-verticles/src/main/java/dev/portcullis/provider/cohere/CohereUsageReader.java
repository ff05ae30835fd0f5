package dev.portcullis.provider.cohere;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import java.io.IOException;

/**
 * Reads the token counts of a Cohere v2 chat answer ({@code usage}) or of the {@code delta} of
 * a stream's {@code message-end} event. {@code usage.tokens} counts everything the model
 * processed; {@code usage.billed_units} only what is billed: tokens first, billed units when a
 * count is missing. {@code usage.cached_tokens}, when present, is the part of the prompt that hit
 * Cohere's cache (within the input count). Cohere reports neither cache writes nor reasoning
 * apart. Cohere's answers do not name the model; the request's model is used.
 */
public final class CohereUsageReader {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private CohereUsageReader() {}

  /** The usage of a whole chat answer. */
  public static Usage read(byte[] chat) {
    return readUsageOf(chat, null);
  }

  /** The usage in the {@code delta} of a {@code message-end} event. */
  static Usage readMessageEnd(byte[] event) {
    return readUsageOf(event, "delta");
  }

  private static Usage readUsageOf(byte[] json, String nested) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Usage.UNKNOWN;
      }
      if (nested != null && !enter(parser, nested)) {
        return Usage.UNKNOWN;
      }
      return enter(parser, "usage") ? fromUsage(MAPPER.readTree(parser)) : Usage.UNKNOWN;
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }

  private static Usage fromUsage(JsonNode usage) {
    JsonNode tokens = usage.path("tokens");
    JsonNode billed = usage.path("billed_units");
    JsonNode cached = usage.get("cached_tokens");
    return new Usage(null, count(tokens, billed, "input_tokens"), count(tokens, billed, "output_tokens"),
        cached != null && cached.canConvertToLong() ? cached.asLong() : -1, -1, -1);
  }

  private static long count(JsonNode tokens, JsonNode billed, String field) {
    JsonNode n = tokens.get(field);
    if (n == null || !n.canConvertToLong()) {
      n = billed.get(field);
    }
    return n != null && n.canConvertToLong() ? n.asLong() : -1;
  }

  /** Moves the parser into the object member {@code name}; false when there is none. */
  private static boolean enter(JsonParser parser, String name) throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals(name) && value == JsonToken.START_OBJECT) {
        return true;
      }
      parser.skipChildren();
    }
    return false;
  }
}
