package dev.portcullis.provider.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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

  private static final JsonFactory FACTORY = new JsonFactory();

  /** A count's name not seen in the usage object (distinct from one seen with a value that is no number). */
  private static final long ABSENT = Long.MIN_VALUE;

  private OpenAiUsageReader() {}

  /** The usage of a whole JSON answer, or {@link Usage#UNKNOWN} when it has none or is not JSON. */
  public static Usage read(Buffer body) {
    try (JsonParser parser = JsonBodies.parser(FACTORY, body)) {
      return read(parser, null);
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }

  /**
   * Reads usage from a JSON object. With {@code nested} set (Responses stream events), the usage
   * is read from that member object ({@code "response"}) instead of the top level.
   */
  public static Usage read(byte[] json, String nested) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      return read(parser, nested);
    } catch (IOException | RuntimeException e) {
      return Usage.UNKNOWN;
    }
  }

  private static Usage read(JsonParser parser, String nested) throws IOException {
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
  }

  /** Reads the fields of the object whose START_OBJECT was just read. */
  private static Usage readObject(JsonParser parser) throws IOException {
    String model = null;
    long[] counts = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      if (field.equals("model") && value == JsonToken.VALUE_STRING) {
        model = parser.getText();
      } else if (field.equals("usage") && value == JsonToken.START_OBJECT) {
        counts = readCounts(parser);
      } else {
        parser.skipChildren();
      }
    }
    if (counts == null) {
      return new Usage(model, -1, -1);
    }
    return new Usage(model, counts[0], counts[1]);
  }

  /**
   * The input and output counts of a {@code usage} object whose START_OBJECT was just read (-1
   * where absent or not a number): a chat name present wins over the Responses name, nested
   * details are skipped.
   */
  private static long[] readCounts(JsonParser parser) throws IOException {
    long chatIn = ABSENT;
    long chatOut = ABSENT;
    long responsesIn = ABSENT;
    long responsesOut = ABSENT;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      long count = value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT
          ? countOf(parser) : -1;
      switch (field) {
        case "prompt_tokens" -> chatIn = count;
        case "completion_tokens" -> chatOut = count;
        case "input_tokens" -> responsesIn = count;
        case "output_tokens" -> responsesOut = count;
        default -> parser.skipChildren();
      }
    }
    return new long[] {present(chatIn != ABSENT ? chatIn : responsesIn), present(chatOut != ABSENT ? chatOut : responsesOut)};
  }

  private static long present(long count) {
    return count == ABSENT ? -1 : count;
  }

  /** A whole number that fits a long, else -1 (as a tree's canConvertToLong would say). */
  private static long countOf(JsonParser parser) throws IOException {
    if (parser.currentToken() == JsonToken.VALUE_NUMBER_INT) {
      return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? -1 : parser.getLongValue();
    }
    double d = parser.getDoubleValue();
    return d >= Long.MIN_VALUE && d <= Long.MAX_VALUE ? (long) d : -1;
  }
}
