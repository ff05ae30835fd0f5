package dev.portcullis.usage.limit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitRuleParser;
import io.vertx.core.json.JsonObject;
import java.io.UncheckedIOException;
import java.util.Map;

/** Rules for tests, written as an administrator would send them. */
final class TestRules {

  /** Decimals read exactly, as the admin API reads them (Vert.x's own reader makes them doubles). */
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private TestRules() {}

  @SuppressWarnings("unchecked")
  static LimitRule rule(String json) {
    try {
      return LimitRuleParser.parse(new JsonObject(JSON.readValue(json, Map.class)));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A rule of {@code name} for every call with only a per-minute request limit. */
  static LimitRule named(String name) {
    return rule("{\"name\": \"" + name + "\", \"appliesTo\": {\"organization\": true}, \"requestsPerMinute\": 60}");
  }
}
