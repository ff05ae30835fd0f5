package dev.portcullis.provider.anthropic;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.json.JsonBodies;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads {@code model} and {@code usage} from an Anthropic Message (the answer of
 * {@code POST /v1/messages}), or from the {@code message} inside a {@code message_start} event,
 * with a streaming parser that skips the content blocks instead of building them.
 */
public final class AnthropicUsageReader {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private AnthropicUsageReader() {}

  /** The usage of a whole Message, or {@link Usage#UNKNOWN} when the body is not one. */
  public static Usage read(byte[] message) {
    AnthropicUsage usage = new AnthropicUsage();
    return into(message, null, usage) ? usage.toUsage() : Usage.UNKNOWN;
  }

  /** As {@link #read(byte[])}, parsed where the answer's bytes lie. */
  public static Usage read(Buffer message) {
    AnthropicUsage usage = new AnthropicUsage();
    try (JsonParser parser = JsonBodies.parser(FACTORY, message)) {
      return into(parser, null, usage) ? usage.toUsage() : Usage.UNKNOWN;
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }

  /**
   * Adds the model and counts of a JSON object to {@code usage}; with {@code nested} set, those of
   * that member object ({@code "message"} of {@code message_start}). Returns whether it was JSON.
   */
  static boolean into(byte[] json, String nested, AnthropicUsage usage) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return into(parser, nested, usage);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private static boolean into(JsonParser parser, String nested, AnthropicUsage usage) throws IOException {
    if (parser.nextToken() != JsonToken.START_OBJECT) {
      return false;
    }
    if (nested != null && !enter(parser, nested)) {
      return true;
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("model") && value == JsonToken.VALUE_STRING) {
        usage.model(parser.getText());
      } else if (field.equals("usage") && value == JsonToken.START_OBJECT) {
        usage.merge(MAPPER.readTree(parser));
      } else {
        parser.skipChildren();
      }
    }
    return true;
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
