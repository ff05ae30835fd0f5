package dev.portcullis.policy.document;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * A JSON path into a tool call's arguments (Jayway JsonPath over Jackson trees): {@code $.url},
 * {@code $['file name']}, {@code $.items[0]}, {@code $.items[*].name}, {@code $..url} (at any
 * depth), filters such as {@code $.headers[?(@.name == 'Host')].value}. A path can find several
 * values, or none. It must start with {@code $}. Refused: the regex filter operator {@code =~}
 * (it runs java.util.regex, which can backtrack without bound on model output: a rule's
 * {@code matches} is the linear-time way), and functions such as {@code length()} (they find no
 * value of the arguments). As in Jayway, an index past the end of an array reads as null.
 * Immutable and thread-safe; equal when the text is.
 */
public final class ArgumentPath {

  private static final Configuration JAYWAY = Configuration.builder()
      .jsonProvider(new JacksonJsonNodeJsonProvider(new ObjectMapper()))
      .mappingProvider(new JacksonMappingProvider(new ObjectMapper()))
      .options(EnumSet.of(Option.ALWAYS_RETURN_LIST, Option.SUPPRESS_EXCEPTIONS))
      .build();
  private static final String EXAMPLES = "for example $.url, $.items[*].name or $['a b']";

  private final String text;
  private final JsonPath path;

  private ArgumentPath(String text, JsonPath path) {
    this.text = text;
    this.path = path;
  }

  /** @throws IllegalArgumentException saying what a path must look like */
  public static ArgumentPath of(String text) {
    if (text == null || !text.startsWith("$")) {
      throw new IllegalArgumentException("must be a JSON path starting with $, " + EXAMPLES);
    }
    if (text.contains("=~")) {
      throw new IllegalArgumentException("must not use the regex filter =~; match values with matches instead");
    }
    if (text.strip().endsWith(")")) {
      throw new IllegalArgumentException("must not end in a function such as length(); " + EXAMPLES);
    }
    try {
      return new ArgumentPath(text, JsonPath.compile(text));
    } catch (RuntimeException e) { // Jayway wraps some parse errors, not all: any failure is a bad path
      throw new IllegalArgumentException("is not a JSON path (" + Excerpt.of(e.getMessage()) + "); " + EXAMPLES);
    }
  }

  /**
   * Every value the path finds in {@code root}, in document order; empty when it finds none.
   *
   * @throws RuntimeException when Jayway cannot evaluate the path over this document
   */
  public List<JsonNode> read(JsonNode root) {
    Object found = path.read(root, JAYWAY);
    List<JsonNode> values = new ArrayList<>();
    if (found instanceof JsonNode node && node.isArray()) {
      node.forEach(values::add);
    }
    return values;
  }

  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ArgumentPath p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
