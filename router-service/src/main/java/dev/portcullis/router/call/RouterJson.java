package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.json.ClientJsonLimits;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * JSON reading and writing for the router's own rewrites. Numbers are kept exactly as sent
 * (big decimals), so that rewriting only the model never changes a temperature's digits. Reads
 * are bounded by {@link ClientJsonLimits} (the gateway already bounded the body's size).
 */
public final class RouterJson {

  private static final ObjectMapper MAPPER = new ObjectMapper(ClientJsonLimits.boundedFactory(Integer.MAX_VALUE))
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private RouterJson() {}

  /** The client's body; the gateway already refused anything that is not one JSON object. */
  public static JsonNode parseRequest(Buffer body) {
    try {
      JsonNode node = MAPPER.readTree(body.getBytes());
      if (node == null || !node.isObject()) {
        throw GatewayError.invalidRequest("The request body must be a JSON object.", null).toException();
      }
      return node;
    } catch (IOException e) {
      throw GatewayError.invalidRequest("The request body is not valid JSON.", null).toException();
    } catch (NumberFormatException | ArithmeticException e) {
      // A number no BigDecimal can hold, such as 1E+2147483648 (exponent overflow).
      throw GatewayError.invalidRequest("The request body holds a number out of range.", null).toException();
    }
  }

  /** A provider's answer, or {@code null} when it is not JSON. */
  public static JsonNode parseAnswer(Buffer body) {
    try {
      return body == null || body.length() == 0 ? null : MAPPER.readTree(body.getBytes());
    } catch (IOException | NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  public static Buffer write(JsonNode node) {
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException("JSON tree could not be written", e);
    }
  }
}
