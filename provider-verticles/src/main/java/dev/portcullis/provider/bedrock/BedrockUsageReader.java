package dev.portcullis.provider.bedrock;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import io.vertx.core.MultiMap;
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

  /** The counts InvokeModel also reports in headers (input without the cache parts, as in the body). */
  static final String INPUT_HEADER = "x-amzn-bedrock-input-token-count";
  static final String OUTPUT_HEADER = "x-amzn-bedrock-output-token-count";
  static final String CACHE_READ_HEADER = "x-amzn-bedrock-cache-read-input-token-count";
  static final String CACHE_WRITE_HEADER = "x-amzn-bedrock-cache-write-input-token-count";

  /** The usage InvokeModel's response headers report; unknown when they report none. */
  static Usage fromHeaders(MultiMap headers) {
    BedrockTokenCounts counts = new BedrockTokenCounts();
    counts.merge(header(headers, INPUT_HEADER), header(headers, OUTPUT_HEADER), header(headers, CACHE_READ_HEADER),
        header(headers, CACHE_WRITE_HEADER));
    return counts.toUsage();
  }

  private static long header(MultiMap headers, String name) {
    String value = headers.get(name);
    if (value == null) {
      return -1;
    }
    try {
      long count = Long.parseLong(value.trim());
      return count >= 0 ? count : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
