package dev.portcullis.provider.bedrock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import java.io.IOException;

/**
 * Reads the token counts of a Bedrock answer from its top-level {@code usage} object, skipping
 * every other field: Converse spells them {@code inputTokens}/{@code outputTokens} (also in the
 * stream's {@code metadata} event); InvokeModel answers in the model's own format, where
 * Anthropic's {@code input_tokens}/{@code output_tokens} are the common case. Converse answers name
 * no model: the requested one is used.
 */
final class BedrockUsageReader {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private BedrockUsageReader() {}

  static Usage read(byte[] json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Usage.UNKNOWN;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("usage") && value == JsonToken.START_OBJECT) {
          JsonNode usage = MAPPER.readTree(parser);
          return new Usage(null, count(usage, "inputTokens", "input_tokens"),
              count(usage, "outputTokens", "output_tokens"));
        }
        parser.skipChildren();
      }
      return Usage.UNKNOWN;
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }

  private static long count(JsonNode usage, String converseName, String anthropicName) {
    JsonNode n = usage.has(converseName) ? usage.get(converseName) : usage.get(anthropicName);
    return n != null && n.canConvertToLong() ? n.asLong() : -1;
  }
}
