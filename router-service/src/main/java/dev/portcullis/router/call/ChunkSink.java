package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/** Writes chat chunks in the stream format the client asked for (chat completions or Responses). */
interface ChunkSink {

  Buffer write(List<ObjectNode> chunks);

  /** The closing events of a stream that ended normally. */
  Buffer finish();

  /** The closing events of a stream that failed with this OpenAI {@code {"error":{...}}} body. */
  Buffer fail(JsonNode openAiError);
}
