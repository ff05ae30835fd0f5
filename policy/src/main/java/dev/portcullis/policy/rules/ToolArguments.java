package dev.portcullis.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.json.ClientJsonLimits;
import java.io.IOException;

/**
 * Reads a tool call's arguments for argument conditions, at most once per call. What a model
 * wrote is read as a client's JSON: bounded, and with duplicate keys refused, since the tool's
 * own reader could take the other value of a duplicated key than the one a rule saw.
 */
final class ToolArguments {

  /** Larger arguments are not read (and fail closed, like any unreadable arguments). */
  static final int MAX_BYTES = 16 << 20;
  private static final ObjectMapper STRICT_JSON = new ObjectMapper(ClientJsonLimits.factory(MAX_BYTES));

  private final String json;
  private boolean read;
  private JsonNode root;

  ToolArguments(String json) {
    this.json = json;
  }

  /** The arguments, parsed; {@code {}} when there are none; null when they are not readable JSON. */
  JsonNode root() {
    if (!read) {
      read = true;
      root = parse(json);
    }
    return root;
  }

  private static JsonNode parse(String json) {
    if (json == null || json.isBlank()) {
      return STRICT_JSON.createObjectNode();
    }
    try {
      JsonNode parsed = STRICT_JSON.readTree(json);
      return parsed == null || parsed.isMissingNode() ? null : parsed;
    } catch (IOException | RuntimeException unreadable) {
      return null;
    }
  }
}
