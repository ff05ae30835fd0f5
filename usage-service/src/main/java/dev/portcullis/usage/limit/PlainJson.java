package dev.portcullis.usage.limit;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.VertxModule;
import java.io.UncheckedIOException;

/**
 * JSON text for people: decimals in plain digits ({@code 200}, {@code 0.000000001}), where
 * {@link JsonObject#encode} writes a {@code BigDecimal} as Java prints it ({@code 2E+2},
 * {@code 1E-9}): the same numbers, but not what an administrator expects to read back.
 */
final class PlainJson {

  private static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new VertxModule())
      .enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);

  private PlainJson() {}

  static String encode(JsonObject json) {
    try {
      return MAPPER.writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
