package dev.portcullis.policy.answer;

/**
 * Finds the top-level {@code sequence_number} of a Responses streaming event in its JSON text, so
 * that an event can be renumbered by changing those digits alone, leaving the rest of its bytes as
 * the upstream wrote them. Only a key of the outermost object counts: the same words inside a
 * string or a nested object are skipped.
 */
public final class ResponsesSequenceNumbers {

  /**
   * Where the number is.
   *
   * @param start the index of its first digit
   * @param end the index after its last digit
   * @param value its value
   */
  public record Found(int start, int end, long value) {}

  private static final String KEY = "sequence_number";

  private ResponsesSequenceNumbers() {}

  /** The top-level {@code sequence_number} of {@code json}, or null when it has none (or not a whole number). */
  public static Found find(String json) {
    int depth = 0;
    int i = 0;
    int length = json.length();
    while (i < length) {
      char c = json.charAt(i);
      if (c == '"') {
        int close = closingQuote(json, i);
        if (close < 0) {
          return null;
        }
        if (depth == 1 && close - i - 1 == KEY.length() && json.startsWith(KEY, i + 1)) {
          Found found = numberAfterColon(json, close + 1);
          if (found != null) {
            return found;
          }
        }
        i = close + 1;
        continue;
      }
      if (c == '{' || c == '[') {
        depth++;
      } else if (c == '}' || c == ']') {
        depth--;
      }
      i++;
    }
    return null;
  }

  /** {@code json} with the number {@code found} in it replaced by {@code value}. */
  public static String replace(String json, Found found, long value) {
    return json.substring(0, found.start()) + value + json.substring(found.end());
  }

  private static int closingQuote(String json, int open) {
    for (int i = open + 1; i < json.length(); i++) {
      char c = json.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '"') {
        return i;
      }
    }
    return -1;
  }

  /** The whole number after {@code "key"} and its colon, when that string was a key. */
  private static Found numberAfterColon(String json, int from) {
    int i = skipSpace(json, from);
    if (i >= json.length() || json.charAt(i) != ':') {
      return null;
    }
    int start = skipSpace(json, i + 1);
    int end = start;
    while (end < json.length() && isDigit(json.charAt(end)) && end - start < 18) {
      end++;
    }
    if (end == start || (end < json.length() && (json.charAt(end) == '.' || json.charAt(end) == 'e'
        || json.charAt(end) == 'E' || isDigit(json.charAt(end))))) {
      return null;
    }
    return new Found(start, end, Long.parseLong(json.substring(start, end)));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int skipSpace(String json, int from) {
    int i = from;
    while (i < json.length() && (json.charAt(i) == ' ' || json.charAt(i) == '\t'
        || json.charAt(i) == '\n' || json.charAt(i) == '\r')) {
      i++;
    }
    return i;
  }
}
