package dev.portcullis.testkit;

import dev.portcullis.common.stream.eventstream.EventStreamEncoder;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Bedrock's wire format for test upstreams: Converse answers, ConverseStream event-stream frames
 * (encoded with the real codec, payloads without an outer wrapper, as Bedrock sends them),
 * exception frames, and restJson errors named in {@code x-amzn-ErrorType}.
 */
public final class BedrockWire {

  public static final String EVENT_STREAM = "application/vnd.amazon.eventstream";

  private BedrockWire() {}

  public static String converse(String text, int inputTokens, int outputTokens) {
    return converse(new JsonArray().add(new JsonObject().put("text", text)), "end_turn", inputTokens, outputTokens);
  }

  public static String converseToolUse(String toolUseId, String name, JsonObject input, int inputTokens,
      int outputTokens) {
    JsonArray content = new JsonArray().add(new JsonObject().put("toolUse",
        new JsonObject().put("toolUseId", toolUseId).put("name", name).put("input", input)));
    return converse(content, "tool_use", inputTokens, outputTokens);
  }

  private static String converse(JsonArray content, String stopReason, int inputTokens, int outputTokens) {
    return new JsonObject()
        .put("output", new JsonObject().put("message", new JsonObject().put("role", "assistant").put("content", content)))
        .put("stopReason", stopReason)
        .put("usage", new JsonObject().put("inputTokens", inputTokens).put("outputTokens", outputTokens)
            .put("totalTokens", inputTokens + outputTokens))
        .put("metrics", new JsonObject().put("latencyMs", 123))
        .encode();
  }

  public static Buffer event(String type, JsonObject payload) {
    return EventStreamEncoder.encode(EventStreamMessage.event(type, payload.toBuffer()));
  }

  /**
   * An InvokeModelWithResponseStream frame: a {@code chunk} event whose payload carries one event of
   * the model's own stream format, base64 in {@code bytes}, as Bedrock sends it.
   */
  public static Buffer invokeChunk(String modelEvent) {
    return event("chunk", new JsonObject().put("bytes",
        Base64.getEncoder().encodeToString(modelEvent.getBytes(StandardCharsets.UTF_8))));
  }

  public static Buffer exception(String exceptionType, String message) {
    return EventStreamEncoder.encode(EventStreamMessage.exception(exceptionType,
        new JsonObject().put("message", message).toBuffer()));
  }

  /** The frames of a streamed text answer: messageStart, a delta per piece, stops, then metadata with usage. */
  public static List<Buffer> textStreamFrames(List<String> pieces, int inputTokens, int outputTokens) {
    List<Buffer> frames = new ArrayList<>();
    frames.add(event("messageStart", new JsonObject().put("role", "assistant")));
    for (String piece : pieces) {
      frames.add(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
          .put("delta", new JsonObject().put("text", piece))));
    }
    frames.add(event("contentBlockStop", new JsonObject().put("contentBlockIndex", 0)));
    frames.add(event("messageStop", new JsonObject().put("stopReason", "end_turn")));
    frames.add(metadata(inputTokens, outputTokens));
    return frames;
  }

  /** The frames of a streamed tool call whose input arrives in JSON fragments. */
  public static List<Buffer> toolUseStreamFrames(String toolUseId, String name, List<String> inputFragments,
      int inputTokens, int outputTokens) {
    List<Buffer> frames = new ArrayList<>();
    frames.add(event("messageStart", new JsonObject().put("role", "assistant")));
    frames.add(event("contentBlockStart", new JsonObject().put("contentBlockIndex", 0).put("start",
        new JsonObject().put("toolUse", new JsonObject().put("toolUseId", toolUseId).put("name", name)))));
    for (String fragment : inputFragments) {
      frames.add(event("contentBlockDelta", new JsonObject().put("contentBlockIndex", 0)
          .put("delta", new JsonObject().put("toolUse", new JsonObject().put("input", fragment)))));
    }
    frames.add(event("contentBlockStop", new JsonObject().put("contentBlockIndex", 0)));
    frames.add(event("messageStop", new JsonObject().put("stopReason", "tool_use")));
    frames.add(metadata(inputTokens, outputTokens));
    return frames;
  }

  public static Buffer metadata(int inputTokens, int outputTokens) {
    return event("metadata", new JsonObject()
        .put("usage", new JsonObject().put("inputTokens", inputTokens).put("outputTokens", outputTokens)
            .put("totalTokens", inputTokens + outputTokens))
        .put("metrics", new JsonObject().put("latencyMs", 321)));
  }

  /** All frames back to back, as one buffer. */
  public static Buffer concat(List<Buffer> frames) {
    Buffer all = Buffer.buffer();
    frames.forEach(all::appendBuffer);
    return all;
  }

  /**
   * An event-stream answer written in pieces of the given sizes, cycling through them, with a pause
   * after each so that every piece is its own TCP read: sizes smaller than a frame split frames
   * across reads, larger ones put several frames in one read.
   */
  public static SseScript eventStream(Buffer bytes, long pauseMillis, int... pieceSizes) {
    SseScript script = SseScript.create().contentType(EVENT_STREAM);
    int offset = 0;
    int i = 0;
    while (offset < bytes.length()) {
      int end = Math.min(bytes.length(), offset + pieceSizes[i++ % pieceSizes.length]);
      script.bytes(bytes.getBuffer(offset, end));
      if (pauseMillis > 0) {
        script.delay(pauseMillis);
      }
      offset = end;
    }
    return script;
  }

  /** A restJson error as Bedrock answers it. */
  public static UpstreamResponder error(int status, String errorType, String message) {
    return (request, body) -> request.response().setStatusCode(status)
        .putHeader("content-type", "application/json")
        .putHeader("x-amzn-ErrorType", errorType + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .putHeader("x-amzn-RequestId", "req-error-1")
        .end(new JsonObject().put("message", message).encode());
  }
}
