package dev.portcullis.policy.document;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * What a value found in a tool call's arguments must be for a rule to match. The document
 * spells it as one of the fields {@code equals}, {@code matches}, {@code prefix} or {@code in}.
 */
public sealed interface ValueCondition {

  /** The field that spells this condition in the document. */
  String field();

  boolean test(JsonNode value);

  /** {@code equals}: the value is this JSON value (numbers by value, object members in any order). */
  record Equals(JsonNode expected) implements ValueCondition {
    public Equals {
      expected = expected.deepCopy();
    }

    /** A copy: the condition stays as it was made. */
    @Override
    public JsonNode expected() {
      return expected.deepCopy();
    }

    @Override
    public String field() {
      return "equals";
    }

    @Override
    public boolean test(JsonNode value) {
      return JsonValues.same(expected, value);
    }
  }

  /** {@code matches}: the value's text (a string, number or boolean) contains a match of this regex. */
  record Matches(TextPattern pattern) implements ValueCondition {
    @Override
    public String field() {
      return "matches";
    }

    @Override
    public boolean test(JsonNode value) {
      String text = JsonValues.scalarText(value);
      return text != null && pattern.find(text);
    }
  }

  /** {@code prefix}: the value's text (a string, number or boolean) starts with this. */
  record Prefix(String prefix) implements ValueCondition {
    @Override
    public String field() {
      return "prefix";
    }

    @Override
    public boolean test(JsonNode value) {
      String text = JsonValues.scalarText(value);
      return text != null && text.startsWith(prefix);
    }
  }

  /** {@code in}: the value equals one of these (as {@link Equals} compares). */
  record In(List<JsonNode> values) implements ValueCondition {
    public In {
      values = values.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    /** Copies: the condition stays as it was made. */
    @Override
    public List<JsonNode> values() {
      return values.stream().<JsonNode>map(JsonNode::deepCopy).toList();
    }

    @Override
    public String field() {
      return "in";
    }

    @Override
    public boolean test(JsonNode value) {
      for (JsonNode candidate : values) {
        if (JsonValues.same(candidate, value)) {
          return true;
        }
      }
      return false;
    }
  }
}
