package dev.portcullis.provider.bedrock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import java.io.IOException;

/**
 * Reads the token counts of a Bedrock answer from its top-level {@code usage} object, skipping
 * every other field: Converse's (also in the stream's {@code metadata} event) or, for InvokeModel,
 * which answers in the model's own format, Anthropic's or Nova's; see {@link BedrockTokenCounts}
 * for the names and how cache reads and writes are added into the input. Converse answers name no
 * model: the requested one is used.
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
          BedrockTokenCounts counts = new BedrockTokenCounts();
          counts.merge(MAPPER.readTree(parser));
          return counts.toUsage();
        }
        parser.skipChildren();
      }
      return Usage.UNKNOWN;
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }
}
