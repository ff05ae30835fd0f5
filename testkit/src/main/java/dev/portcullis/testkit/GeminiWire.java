package dev.portcullis.testkit;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Gemini's wire format (GenerateContentResponse, model list, countTokens, google.rpc.Status
 * errors) for test upstreams, and its two stream framings: SSE ({@code alt=sse}, each chunk a
 * {@code data:} event ended by CRLF CRLF as Google sends it) and one JSON array written element by
 * element.
 */
public final class GeminiWire {

  private GeminiWire() {}

  public static String generateContent(String modelVersion, String text, int promptTokens, int candidatesTokens) {
    return response(modelVersion, new JsonArray().add(new JsonObject().put("text", text)), "STOP",
        usage(promptTokens, candidatesTokens)).encode();
  }

  public static String functionCall(String modelVersion, String name, JsonObject args, int promptTokens,
      int candidatesTokens) {
    JsonArray parts = new JsonArray().add(new JsonObject()
        .put("functionCall", new JsonObject().put("name", name).put("args", args)));
    return response(modelVersion, parts, "STOP", usage(promptTokens, candidatesTokens)).encode();
  }

  /** Chunks of a streamed text answer: one per piece, cumulative usage on each, finishReason on the last. */
  public static List<String> textStreamChunks(String modelVersion, List<String> pieces, int promptTokens,
      int candidatesTokens) {
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < pieces.size(); i++) {
      boolean last = i == pieces.size() - 1;
      int soFar = last ? candidatesTokens : Math.max(1, candidatesTokens * (i + 1) / pieces.size());
      chunks.add(response(modelVersion, new JsonArray().add(new JsonObject().put("text", pieces.get(i))),
          last ? "STOP" : null, usage(promptTokens, soFar)).encode());
    }
    return chunks;
  }

  public static String models(String... names) {
    JsonArray models = new JsonArray();
    for (String name : names) {
      models.add(new JsonObject().put("name", "models/" + name).put("version", "001").put("displayName", name)
          .put("inputTokenLimit", 1048576).put("outputTokenLimit", 65536)
          .put("supportedGenerationMethods", new JsonArray().add("generateContent").add("countTokens")));
    }
    return new JsonObject().put("models", models).encode();
  }

  public static String countTokens(int totalTokens) {
    return new JsonObject().put("totalTokens", totalTokens).encode();
  }

  public static String error(int code, String status, String message) {
    return new JsonObject().put("error", new JsonObject().put("code", code).put("message", message)
        .put("status", status)).encode();
  }

  /** An {@code alt=sse} stream of the chunks, a pause between each so they arrive as separate reads. */
  public static SseScript sseStream(List<String> chunks, long pauseMillis) {
    SseScript script = SseScript.create().contentType("text/event-stream");
    for (String chunk : chunks) {
      script.raw("data: " + chunk + "\r\n\r\n");
      if (pauseMillis > 0) {
        script.delay(pauseMillis);
      }
    }
    return script;
  }

  /** The JSON-array stream of the chunks, each element written as its own piece, as Google does. */
  public static SseScript jsonArrayStream(List<String> chunks, long pauseMillis) {
    SseScript script = SseScript.create().contentType("application/json; charset=UTF-8");
    for (int i = 0; i < chunks.size(); i++) {
      script.bytes(Buffer.buffer((i == 0 ? "[" : ",\r\n") + chunks.get(i)));
      if (pauseMillis > 0) {
        script.delay(pauseMillis);
      }
    }
    return script.raw("]");
  }

  private static JsonObject response(String modelVersion, JsonArray parts, String finishReason, JsonObject usage) {
    JsonObject candidate = new JsonObject()
        .put("content", new JsonObject().put("role", "model").put("parts", parts))
        .put("index", 0);
    if (finishReason != null) {
      candidate.put("finishReason", finishReason);
    }
    return new JsonObject()
        .put("candidates", new JsonArray().add(candidate))
        .put("usageMetadata", usage)
        .put("modelVersion", modelVersion)
        .put("responseId", "resp-" + Integer.toHexString(parts.hashCode()));
  }

  private static JsonObject usage(int promptTokens, int candidatesTokens) {
    return new JsonObject().put("promptTokenCount", promptTokens).put("candidatesTokenCount", candidatesTokens)
        .put("totalTokenCount", promptTokens + candidatesTokens);
  }
}
