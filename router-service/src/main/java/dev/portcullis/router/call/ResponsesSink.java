package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.responses.ResponsesEvent;
import dev.portcullis.router.translate.responses.ResponsesStreamBridge;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** Responses streaming: chat chunks become {@code response.*} events, each as {@code event:} plus {@code data:}. */
final class ResponsesSink implements ChunkSink {

  private final ResponsesStreamBridge bridge;

  ResponsesSink(ResponsesStreamBridge bridge) {
    this.bridge = bridge;
  }

  @Override
  public Buffer write(List<ObjectNode> chunks) {
    Buffer out = Buffer.buffer();
    for (ObjectNode chunk : chunks) {
      events(out, bridge.onChunk(chunk));
    }
    return out;
  }

  @Override
  public Buffer finish() {
    return events(Buffer.buffer(), bridge.finish());
  }

  @Override
  public Buffer fail(JsonNode openAiError) {
    return events(Buffer.buffer(), bridge.fail(openAiError));
  }

  private static Buffer events(Buffer out, List<ResponsesEvent> events) {
    for (ResponsesEvent event : events) {
      out.appendString("event: ").appendString(event.type()).appendString("\ndata: ")
          .appendBuffer(RouterJson.write(event.data())).appendString("\n\n");
    }
    return out;
  }
}
