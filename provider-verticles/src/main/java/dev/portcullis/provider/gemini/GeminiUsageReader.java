package dev.portcullis.provider.gemini;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import java.io.IOException;

/**
 * Reads {@code modelVersion} and {@code usageMetadata} from one GenerateContentResponse (a whole
 * answer or one stream chunk), skipping every other field. Output tokens are
 * {@code candidatesTokenCount} plus {@code thoughtsTokenCount}: Gemini counts thinking apart from
 * the candidates, but bills it as output, and {@link Usage} counts reasoning within the output;
 * {@code thoughtsTokenCount} is the reasoning part. {@code promptTokenCount} already includes the
 * cached content, whose size is {@code cachedContentTokenCount}. Gemini reports no cache writes
 * (a cache is created by its own API call, not by a generation).
 */
public final class GeminiUsageReader {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private GeminiUsageReader() {}

  /** The usage in {@code json}, or {@link Usage#UNKNOWN} when it has none or is not a JSON object. */
  public static Usage read(byte[] json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Usage.UNKNOWN;
      }
      String model = null;
      JsonNode usage = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if (field.equals("modelVersion") && value == JsonToken.VALUE_STRING) {
          model = parser.getText();
        } else if (field.equals("usageMetadata") && value == JsonToken.START_OBJECT) {
          usage = MAPPER.readTree(parser);
        } else {
          parser.skipChildren();
        }
      }
      if (usage == null) {
        return new Usage(model, -1, -1);
      }
      long in = count(usage, "promptTokenCount");
      long candidates = count(usage, "candidatesTokenCount");
      long thoughts = count(usage, "thoughtsTokenCount");
      long out = candidates < 0 && thoughts < 0 ? -1 : Math.max(candidates, 0) + Math.max(thoughts, 0);
      return new Usage(model, in, out, count(usage, "cachedContentTokenCount"), -1, thoughts);
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }

  private static long count(JsonNode usage, String name) {
    JsonNode n = usage.get(name);
    return n != null && n.canConvertToLong() ? n.asLong() : -1;
  }
}
