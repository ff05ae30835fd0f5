package dev.portcullis.gateway.limit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Set;

/**
 * What a token limit reserves before a call: the input as a quarter of the body's bytes (about
 * four bytes a token for English text and JSON; the real count settles it afterwards) and the
 * output the request caps, read from the field each API names it with, wherever it is nested
 * ({@code max_tokens}, {@code max_completion_tokens}, {@code max_output_tokens},
 * {@code generationConfig.maxOutputTokens}, {@code inferenceConfig.maxTokens}), or the configured
 * default. Read with a streaming parser, without building a tree.
 */
record TokenEstimate(long input, long output) {

  static final TokenEstimate NONE = new TokenEstimate(0, 0);

  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(64).build())
      .build();
  private static final Set<String> OUTPUT_CAPS = Set.of("max_tokens", "max_completion_tokens",
      "max_output_tokens", "maxOutputTokens", "maxTokens", "max_new_tokens");

  long total() {
    return input + output;
  }

  /** Input and output tokens this call may use, as well as can be told before it is sent. */
  static TokenEstimate of(Buffer body, long defaultOutputTokens) {
    if (body == null || body.length() == 0) {
      return NONE;
    }
    long output = outputCap(body);
    return new TokenEstimate((body.length() + 3) / 4, output >= 0 ? output : defaultOutputTokens);
  }

  /** The first output cap the body names, or -1 when it names none (or is not JSON). */
  static long outputCap(Buffer body) {
    byte[] bytes = body.getBytes();
    try (JsonParser json = JSON.createParser(bytes)) {
      JsonToken token;
      while ((token = json.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME && OUTPUT_CAPS.contains(json.currentName())) {
          JsonToken value = json.nextToken();
          if (value == JsonToken.VALUE_NUMBER_INT && json.getLongValue() >= 0) {
            return Math.min(json.getLongValue(), 100_000_000L);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // Not JSON (or not within the bounds): the default applies; the upstream judges the body.
    }
    return -1;
  }
}
