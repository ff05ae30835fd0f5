package dev.portcullis.gateway.proxy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * Reads a request body once, strictly, before it is forwarded: the proxy must see exactly what the
 * provider will see. Duplicate keys and trailing content are refused, because a provider's parser
 * could pick another value than ours (a parser differential is a way around any policy).
 */
final class JsonBodies {

  private static final ObjectReader READER = new ObjectMapper()
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .reader();

  private JsonBodies() {}

  /** The parsed JSON object, or a 400 that says what is wrong with the body. */
  static JsonNode parseObject(Buffer body) {
    if (body == null || body.length() == 0) {
      throw new GatewayException(GatewayError.invalidRequest(
          "The request body is empty. Send a JSON object (Content-Type: application/json).", null));
    }
    JsonNode node;
    try {
      node = READER.readTree(body.getBytes());
    } catch (JsonProcessingException e) {
      throw new GatewayException(GatewayError.invalidRequest(
          "We could not parse the JSON body of your request: " + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                  + e.getLocation().getColumnNr() + ")") + ".", null));
    } catch (IOException e) {
      throw new GatewayException(GatewayError.invalidRequest("We could not read the JSON body of your request.", null));
    }
    if (node == null || !node.isObject()) {
      throw new GatewayException(GatewayError.invalidRequest("The request body must be a JSON object.", null));
    }
    return node;
  }
}
