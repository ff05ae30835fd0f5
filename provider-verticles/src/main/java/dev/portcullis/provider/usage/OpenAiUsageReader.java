package dev.portcullis.provider.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads {@code model} and {@code usage} from an OpenAI-format JSON answer (chat completion,
 * Responses object, embeddings list) without building the whole tree: the parser skips every
 * other field, so the cost stays small for long answers. Chat counts are
 * {@code prompt_tokens}/{@code completion_tokens}; Responses counts are
 * {@code input_tokens}/{@code output_tokens}.
 */
public final class OpenAiUsageReader {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private OpenAiUsageReader() {}

  /** The usage of a whole JSON answer, or {@link Usage#UNKNOWN} when it has none or is not JSON. */
  public static Usage read(Buffer body) {
    return read(body.getBytes(), null);
  }

  /**
   * Reads usage from a JSON object. With {@code nested} set (Responses stream events), the usage
   * is read from that member object ({@code "response"}) instead of the top level.
   */
  public static Usage read(byte[] json, String nested) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Usage.UNKNOWN;
      }
      if (nested != null) {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
          String field = parser.currentName();
          JsonToken value = parser.nextToken();
          if (field.equals(nested) && value == JsonToken.START_OBJECT) {
            return readObject(parser);
          }
          parser.skipChildren();
        }
        return Usage.UNKNOWN;
      }
      return readObject(parser);
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }

  /** Reads the fields of the object whose START_OBJECT was just read. */
  private static Usage readObject(JsonParser parser) throws IOException {
    String model = null;
    JsonNode usage = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("model") && value == JsonToken.VALUE_STRING) {
        model = parser.getText();
      } else if (field.equals("usage") && value == JsonToken.START_OBJECT) {
        usage = MAPPER.readTree(parser);
      } else {
        parser.skipChildren();
      }
    }
    if (usage == null) {
      return new Usage(model, -1, -1);
    }
    long in = count(usage, "prompt_tokens", "input_tokens");
    long out = count(usage, "completion_tokens", "output_tokens");
    return new Usage(model, in, out);
  }

  private static long count(JsonNode usage, String chatName, String responsesName) {
    JsonNode n = usage.has(chatName) ? usage.get(chatName) : usage.get(responsesName);
    return n != null && n.canConvertToLong() ? n.asLong() : -1;
  }
}
