package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Chat completions streaming: one {@code data:} event per chunk, {@code data: [DONE]} at the end,
 * and a {@code data: {"error":...}} event (which the OpenAI SDKs raise) instead of it on failure.
 */
final class ChatChunkSink implements ChunkSink {

  private static final Buffer DONE = Buffer.buffer("data: [DONE]\n\n");
  private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] END = "\n\n".getBytes(StandardCharsets.US_ASCII);

  @Override
  public Buffer write(List<ObjectNode> chunks) {
    Buffer out = Buffer.buffer();
    chunks.forEach(chunk -> data(out, chunk));
    return out;
  }

  @Override
  public Buffer finish() {
    return DONE.copy();
  }

  @Override
  public Buffer fail(JsonNode openAiError) {
    return data(Buffer.buffer(), openAiError);
  }

  private static Buffer data(Buffer out, JsonNode json) {
    return RouterJson.writeTo(out.appendBytes(DATA), json).appendBytes(END);
  }
}
