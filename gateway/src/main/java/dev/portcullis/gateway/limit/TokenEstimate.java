package dev.portcullis.gateway.limit;

import io.vertx.core.buffer.Buffer;
import java.util.Set;

/**
 * What a token limit reserves before a call: the input as a quarter of the body's bytes (about
 * four bytes a token for English text and JSON; the real count settles it afterwards) and the
 * output the request caps, read from the field each API names it with, wherever it is nested
 * ({@code max_tokens}, {@code max_completion_tokens}, {@code max_output_tokens},
 * {@code generationConfig.maxOutputTokens}, {@code inferenceConfig.maxTokens}), or the configured
 * default. Read by a scan of the bytes, without a parse.
 */
record TokenEstimate(long input, long output) {

  static final TokenEstimate NONE = new TokenEstimate(0, 0);

  /** The longest output cap's name, {@code max_completion_tokens}. */
  private static final int MAX_NAME = 22;
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

  /**
   * The first output cap the body names, or -1 when it names none. Read by one pass over the bytes,
   * without a parse: a key is a quoted name not preceded by a backslash (so never text inside a
   * string, where quotes are escaped) followed by a colon and a whole number; a key of the same
   * name with another value (a tool's schema describing a {@code max_tokens} property) is passed
   * over. The upstream judges the body itself; this only sizes a reservation, settled afterwards.
   */
  static long outputCap(Buffer body) {
    // Read where the body lies: no copy of it per call.
    int n = body.length();
    for (int i = 0; i + 4 < n; i++) {
      if (body.getByte(i) != '"' || body.getByte(i + 1) != 'm' || body.getByte(i + 2) != 'a'
          || body.getByte(i + 3) != 'x' || i > 0 && body.getByte(i - 1) == '\\') {
        continue;
      }
      int end = i + 1;
      while (end < n && end - i <= MAX_NAME && body.getByte(end) != '"') {
        end++;
      }
      if (end >= n || !OUTPUT_CAPS.contains(body.getString(i + 1, end, "ISO-8859-1"))) {
        continue;
      }
      int at = skipSpaces(body, end + 1);
      if (at >= n || body.getByte(at) != ':') {
        continue;
      }
      at = skipSpaces(body, at + 1);
      long value = 0;
      int digits = 0;
      while (at < n && body.getByte(at) >= '0' && body.getByte(at) <= '9' && digits < 10) {
        value = value * 10 + (body.getByte(at++) - '0');
        digits++;
      }
      if (digits > 0 && (at >= n || body.getByte(at) != '.' && body.getByte(at) != 'e' && body.getByte(at) != 'E')) {
        return Math.min(value, 100_000_000L);
      }
    }
    return -1;
  }

  private static int skipSpaces(Buffer body, int at) {
    while (at < body.length() && (body.getByte(at) == ' ' || body.getByte(at) == '\t' || body.getByte(at) == '\n' || body.getByte(at) == '\r')) {
      at++;
    }
    return at;
  }
}
