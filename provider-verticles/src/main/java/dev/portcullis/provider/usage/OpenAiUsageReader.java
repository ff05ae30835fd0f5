package dev.portcullis.provider.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.json.JsonBodies;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads {@code model} and {@code usage} from an OpenAI-format JSON answer (chat completion,
 * Responses object, embeddings list) without building the whole tree: the parser skips every
 * other field, so the cost stays small for long answers. Chat counts are
 * {@code prompt_tokens}/{@code completion_tokens}, with {@code prompt_tokens_details.cached_tokens}
 * and {@code completion_tokens_details.reasoning_tokens}; Responses counts are
 * {@code input_tokens}/{@code output_tokens}, with {@code input_tokens_details.cached_tokens} and
 * {@code output_tokens_details.reasoning_tokens}; embeddings report {@code prompt_tokens} only.
 * OpenAI's prompt count already includes the cached part, and its output count the reasoning
 * part, as {@link Usage} wants them; it reports no cache writes.
 */
public final class OpenAiUsageReader {

  private static final JsonFactory FACTORY = new JsonFactory();

  /** A count's name not seen in the usage object (distinct from one seen with a value that is no number). */
  private static final long ABSENT = Long.MIN_VALUE;

  /** Where {@link #readCounts} puts each count. */
  private static final int IN = 0;
  private static final int OUT = 1;
  private static final int CACHED = 2;
  private static final int REASONING = 3;

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
    return new Usage(model, counts[IN], counts[OUT], counts[CACHED], -1, counts[REASONING]);
  }

  /**
   * The input, output, cached-input and reasoning counts of a {@code usage} object whose
   * START_OBJECT was just read (-1 where absent or not a number): a chat name present wins over
   * the Responses name.
   */
  private static long[] readCounts(JsonParser parser) throws IOException {
    long[] chat = {ABSENT, ABSENT, ABSENT, ABSENT};
    long[] responses = {ABSENT, ABSENT, ABSENT, ABSENT};
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "prompt_tokens" -> chat[IN] = count(parser, value);
        case "completion_tokens" -> chat[OUT] = count(parser, value);
        case "input_tokens" -> responses[IN] = count(parser, value);
        case "output_tokens" -> responses[OUT] = count(parser, value);
        case "prompt_tokens_details" -> chat[CACHED] = detail(parser, value, "cached_tokens");
        case "completion_tokens_details" -> chat[REASONING] = detail(parser, value, "reasoning_tokens");
        case "input_tokens_details" -> responses[CACHED] = detail(parser, value, "cached_tokens");
        case "output_tokens_details" -> responses[REASONING] = detail(parser, value, "reasoning_tokens");
        default -> parser.skipChildren();
      }
    }
    long[] counts = new long[4];
    for (int i = 0; i < counts.length; i++) {
      counts[i] = present(chat[i] != ABSENT ? chat[i] : responses[i]);
    }
    return counts;
  }

  /** The count at the current value: -1 when it is not a number. */
  private static long count(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
      return countOf(parser);
    }
    parser.skipChildren();
    return -1;
  }

  /**
   * The count {@code name} of the details object at the current value; {@link #ABSENT} when the
   * details are null, not an object or do not name it, so that the other API's name may count.
   */
  private static long detail(JsonParser parser, JsonToken value, String name) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      parser.skipChildren();
      return ABSENT;
    }
    long found = ABSENT;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken inner = parser.nextToken();
      if (field.equals(name)) {
        found = count(parser, inner);
      } else {
        parser.skipChildren();
      }
    }
    return found;
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
