package dev.portcullis.policy.document;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Typed reads of one JSON object of a policy document, each refusal a
 * {@link PolicyDocumentException} naming the field by its path and saying what is expected.
 */
final class StrictObject {

  private final JsonNode node;
  /** Where this object is, such as {@code toolInvocation[1]}; null for the document itself. */
  private final String path;

  private StrictObject(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  static StrictObject of(JsonNode node, String path, String expected) {
    if (node == null || !node.isObject()) {
      throw new PolicyDocumentException(path, (path == null ? "The policy document" : path) + " must be an object: "
          + expected);
    }
    return new StrictObject(node, path);
  }

  /** The path of one of this object's fields. */
  String path(String name) {
    return path == null ? name : path + "." + name;
  }

  /** Refuses any field not named. */
  void onlyFields(String... allowed) {
    List<String> known = Arrays.asList(allowed);
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        String field = path(Excerpt.of(name));
        throw new PolicyDocumentException(field, field + " is not a known field; expected "
            + String.join(", ", allowed));
      }
    }
  }

  boolean has(String name) {
    return node.has(name);
  }

  JsonNode get(String name) {
    return node.get(name);
  }

  /** A string of at most {@link PolicyDocumentParser#MAX_STRING} characters; refused when absent. */
  String requiredString(String name, String expected) {
    if (!has(name)) {
      throw new PolicyDocumentException(path(name), path(name) + " is required: " + expected);
    }
    return string(name, expected);
  }

  /** As {@link #requiredString}, or null when absent. */
  String optionalString(String name, String expected) {
    return has(name) ? string(name, expected) : null;
  }

  private String string(String name, String expected) {
    JsonNode value = node.get(name);
    if (!value.isTextual()) {
      throw new PolicyDocumentException(path(name), path(name) + " must be a string: " + expected);
    }
    String text = value.textValue();
    if (text.length() > PolicyDocumentParser.MAX_STRING) {
      throw new PolicyDocumentException(path(name), path(name) + " must be at most " + PolicyDocumentParser.MAX_STRING
          + " characters");
    }
    return text;
  }

  /** One of {@code allowed}, spelled as its word; {@code fallback} when absent (refused when that is null). */
  <E extends PolicyWord> E word(String name, E fallback, List<E> allowed) {
    String words = allowed.stream().map(PolicyWord::word).collect(Collectors.joining(", "));
    if (!has(name) && fallback != null) {
      return fallback;
    }
    String text = requiredString(name, "one of " + words);
    for (E candidate : allowed) {
      if (candidate.word().equals(text)) {
        return candidate;
      }
    }
    throw new PolicyDocumentException(path(name), path(name) + " must be one of " + words + "; got '"
        + Excerpt.of(text) + "'");
  }

  /** The elements of an array field, at most {@code max}; empty when absent. */
  List<JsonNode> array(String name, int max, String expected) {
    if (!has(name)) {
      return List.of();
    }
    JsonNode value = node.get(name);
    if (!value.isArray()) {
      throw new PolicyDocumentException(path(name), path(name) + " must be a list: " + expected);
    }
    if (value.size() > max) {
      throw new PolicyDocumentException(path(name), path(name) + " must have at most " + max + " entries");
    }
    List<JsonNode> elements = new ArrayList<>(value.size());
    value.forEach(elements::add);
    return elements;
  }
}
