package dev.portcullis.gateway.proxy;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.json.ClientJsonLimits;
import io.netty.buffer.ByteBufInputStream;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.io.InputStream;

/**
 * What routing needs from a JSON body, the model and the stream flag, read in one streaming pass
 * that builds no tree: whatever a caller sends costs a scan of its bytes before it is
 * authenticated, never a tree of it. The pass is strict, because the proxy must see exactly what
 * the provider will see: not one object, a duplicate key at any depth, trailing content or bad
 * JSON are a 400. The bytes forwarded are the client's own, never re-serialized.
 *
 * @param model  the model field's value when it is a string, else {@code null}
 * @param stream the top-level {@code stream} flag when it is a boolean, else {@code null}
 */
record RoutingFields(String model, Boolean stream) {

  /** Reads bodies of up to {@code maxDocumentBytes} (the body limit) under {@link ClientJsonLimits}. */
  static final class Reader {

    private final JsonFactory factory;

    Reader(long maxDocumentBytes) {
      this.factory = ClientJsonLimits.factory(maxDocumentBytes);
    }

    /** @param modelField the top-level field that names the model, or {@code null} */
    RoutingFields read(Buffer body, String modelField) {
      if (body == null || body.length() == 0) {
        throw invalid("The request body is empty. Send a JSON object (Content-Type: application/json).");
      }
      try (JsonParser parser = factory.createParser((InputStream) new ByteBufInputStream(((BufferInternal) body).getByteBuf()))) {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
          throw invalid("The request body must be a JSON object.");
        }
        String model = null;
        Boolean stream = null;
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
          String name = parser.currentName();
          JsonToken value = parser.nextToken();
          if (value == JsonToken.VALUE_STRING && name.equals(modelField)) {
            model = parser.getText();
          } else if (value.isBoolean() && name.equals("stream")) {
            stream = value == JsonToken.VALUE_TRUE;
          } else {
            // Still walked token by token: duplicates and nesting are checked at every depth.
            parser.skipChildren();
          }
        }
        if (parser.nextToken() != null) {
          throw invalid("The request body must be one JSON object; something follows it.");
        }
        return new RoutingFields(model, stream);
      } catch (StreamConstraintsException e) {
        throw invalid("The JSON body of your request is beyond what Portcullis reads: " + e.getOriginalMessage());
      } catch (JsonParseException e) {
        throw invalid("We could not parse the JSON body of your request: " + e.getOriginalMessage()
            + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr() + ")") + ".");
      } catch (JsonProcessingException e) {
        throw invalid("We could not parse the JSON body of your request: " + e.getOriginalMessage() + ".");
      } catch (IOException e) {
        throw invalid("We could not read the JSON body of your request.");
      }
    }

    private static GatewayException invalid(String message) {
      return GatewayError.invalidRequest(message, null).toException();
    }
  }
}
