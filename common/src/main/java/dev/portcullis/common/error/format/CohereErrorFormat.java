package dev.portcullis.common.error.format;

import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * Cohere's error body, {@code {"message":"..."}}: Cohere's SDKs tell errors apart by HTTP status
 * alone. A v2 chat stream ends with a {@code message-end} event whose delta carries
 * {@code finish_reason: "ERROR"} and the {@code error} text, the way Cohere itself reports a
 * failure after the stream started.
 */
public final class CohereErrorFormat implements ApiErrorFormat {

  public static final CohereErrorFormat INSTANCE = new CohereErrorFormat();

  @Override
  public Buffer body(GatewayError error) {
    return new JsonObject().put("message", error.message()).toBuffer();
  }

  @Override
  public Buffer streamEvent(GatewayError error) {
    JsonObject event = new JsonObject()
        .put("type", "message-end")
        .put("delta", new JsonObject().put("finish_reason", "ERROR").put("error", error.message()));
    return Buffer.buffer("event: message-end\ndata: ").appendBuffer(event.toBuffer()).appendString("\n\n");
  }
}
