package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.json.ClientJsonLimits;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.io.OutputStream;

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

  /**
   * A stream event's data, or {@code null} when it is not JSON. Read from the text the SSE parser
   * already decoded, without encoding it to bytes again.
   */
  public static JsonNode parseEvent(String data) {
    try {
      return data == null || data.isEmpty() ? null : MAPPER.readTree(data);
    } catch (IOException | NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  /**
   * Appends {@code node}'s JSON to {@code out} and returns {@code out}: a stream writes every
   * chunk this way, with no byte array of its own and no copy in between.
   */
  public static Buffer writeTo(Buffer out, JsonNode node) {
    try {
      MAPPER.writeValue(new AppendingStream(out), node);
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("JSON tree could not be written", e);
    }
  }

  public static Buffer write(JsonNode node) {
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new IllegalStateException("JSON tree could not be written", e);
    }
  }

  /** The generator's output appended to a buffer (Jackson buffers it and writes once, at close). */
  private static final class AppendingStream extends OutputStream {

    private final Buffer out;

    AppendingStream(Buffer out) {
      this.out = out;
    }

    @Override
    public void write(int b) {
      out.appendByte((byte) b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) {
      out.appendBytes(bytes, offset, length);
    }
  }
}
