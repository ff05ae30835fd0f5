package dev.portcullis.router.translate.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Fixture parsing and whole-object JSON assertions for translator tests. */
public final class JsonFixtures {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonFixtures() {}

  public static ObjectNode json(String text) {
    try {
      return (ObjectNode) MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Compares as JSON trees, so key order and whitespace do not matter but every value does. */
  public static void assertJson(JsonNode actual, String expected) {
    assertThat(normalized(actual)).as("JSON").isEqualTo(tree(expected));
  }

  /** Re-reads a built tree so that numbers compare by value (an int and a long 5 are equal). */
  private static JsonNode normalized(Object actual) {
    try {
      return MAPPER.readTree(MAPPER.writeValueAsString(actual));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static JsonNode tree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static void assertJsonList(List<? extends JsonNode> actual, String expectedArray) {
    assertThat(normalized(actual)).as("JSON list").isEqualTo(tree(expectedArray));
  }
}
