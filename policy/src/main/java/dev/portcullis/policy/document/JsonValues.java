package dev.portcullis.policy.document;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Comparator;

/** How a rule compares the values a JSON path found in a tool call's arguments. */
final class JsonValues {

  /** Numbers by value ({@code 1} equals {@code 1.0}); everything else as Jackson compares it. */
  private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> {
    if (a.isNumber() && b.isNumber()) {
      boolean same = a.isIntegralNumber() && b.isIntegralNumber()
          ? a.bigIntegerValue().equals(b.bigIntegerValue())
          : Double.compare(a.doubleValue(), b.doubleValue()) == 0;
      return same ? 0 : 1;
    }
    return a.equals(b) ? 0 : 1;
  };

  private JsonValues() {}

  /** Equal as JSON: same type and value, numbers by value, object members in any order. */
  static boolean same(JsonNode a, JsonNode b) {
    return a.equals(NUMBERS_BY_VALUE, b);
  }

  /**
   * The text a {@code matches} or {@code prefix} condition looks at: a string's characters, a
   * number's or boolean's JSON text; null for null, arrays and objects, which these never match.
   */
  static String scalarText(JsonNode value) {
    if (value.isTextual()) {
      return value.textValue();
    }
    if (value.isNumber() || value.isBoolean()) {
      return value.toString();
    }
    return null;
  }
}
