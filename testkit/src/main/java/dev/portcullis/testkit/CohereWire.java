package dev.portcullis.testkit;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Bodies and stream events in Cohere's real v2 chat wire format (docs.cohere.com/reference/chat and
 * /reference/chat-stream). Streams are SSE, each event named by its {@code type}:
 * {@code message-start}, {@code content-start}, {@code content-delta}..., {@code content-end},
 * {@code message-end} (finish reason and usage).
 */
public final class CohereWire {

  private CohereWire() {}

  public static String chat(String text, int inputTokens, int outputTokens) {
    return """
        {"id":"c14c80c3-18eb-4519-9460-6c92edd8cfb4","finish_reason":"COMPLETE",\
        "message":{"role":"assistant","content":[{"type":"text","text":%s}]},\
        "usage":{"billed_units":{"input_tokens":%d,"output_tokens":%d},\
        "tokens":{"input_tokens":%d,"output_tokens":%d}}}"""
        .formatted(quote(text), inputTokens, outputTokens, inputTokens + 200, outputTokens);
  }

  /** An answer that only reports billed units (older responses): usage falls back to them. */
  public static String chatBilledOnly(String text, int inputTokens, int outputTokens) {
    return """
        {"id":"b1","finish_reason":"COMPLETE","message":{"role":"assistant","content":[{"type":"text","text":%s}]},\
        "usage":{"billed_units":{"input_tokens":%d,"output_tokens":%d}}}"""
        .formatted(quote(text), inputTokens, outputTokens);
  }

  public static String toolCallChat(String toolName, String argumentsJson) {
    return new JsonObject().put("id", "t1").put("finish_reason", "TOOL_CALL")
        .put("message", new JsonObject().put("role", "assistant").put("tool_plan", "I will look up the weather.")
            .put("tool_calls", new JsonArray().add(new JsonObject().put("id", "get_weather_1").put("type", "function")
                .put("function", new JsonObject().put("name", toolName).put("arguments", argumentsJson)))))
        .put("usage", new JsonObject()
            .put("billed_units", new JsonObject().put("input_tokens", 30).put("output_tokens", 12))
            .put("tokens", new JsonObject().put("input_tokens", 950).put("output_tokens", 40)))
        .encode();
  }

  /** A text answer streamed one piece per {@code content-delta}. */
  public static List<String[]> textStream(List<String> pieces, int inputTokens, int outputTokens) {
    List<String[]> events = new ArrayList<>();
    events.add(ev("message-start", "{\"id\":\"29f14a5a-11de-4cae-9800-25e4747408ea\",\"type\":\"message-start\","
        + "\"delta\":{\"message\":{\"role\":\"assistant\",\"content\":[],\"tool_plan\":\"\",\"tool_calls\":[],"
        + "\"citations\":[]}}}"));
    events.add(ev("content-start", "{\"type\":\"content-start\",\"index\":0,"
        + "\"delta\":{\"message\":{\"content\":{\"type\":\"text\",\"text\":\"\"}}}}"));
    for (String piece : pieces) {
      events.add(ev("content-delta", "{\"type\":\"content-delta\",\"index\":0,"
          + "\"delta\":{\"message\":{\"content\":{\"text\":" + quote(piece) + "}}}}"));
    }
    events.add(ev("content-end", "{\"type\":\"content-end\",\"index\":0}"));
    events.add(ev("message-end", "{\"type\":\"message-end\",\"delta\":{\"finish_reason\":\"COMPLETE\","
        + "\"usage\":{\"billed_units\":{\"input_tokens\":" + inputTokens + ",\"output_tokens\":" + outputTokens + "},"
        + "\"tokens\":{\"input_tokens\":" + (inputTokens + 200) + ",\"output_tokens\":" + outputTokens + "}}}}"));
    return events;
  }

  /** A page of {@code GET /v1/models}. */
  public static String models(String... names) {
    JsonArray models = new JsonArray();
    for (String name : names) {
      models.add(new JsonObject().put("name", name).put("endpoints", new JsonArray().add("chat").add("generate"))
          .put("finetuned", false).put("context_length", 128000)
          .put("tokenizer_url", "https://storage.googleapis.com/cohere-public/tokenizers/" + name + ".json")
          .put("default_endpoints", new JsonArray()).put("features", new JsonArray().add("tools")));
    }
    return new JsonObject().put("models", models).putNull("next_page_token").encode();
  }

  /** Cohere's error body. */
  public static String error(String message) {
    return new JsonObject().put("id", "e0f2c1a7-2f7b-4d0c-9a55-1c1e5b6b8f00").put("message", message).encode();
  }

  /** An SSE responder for (event name, data) pairs. */
  public static SseScript stream(List<String[]> events) {
    SseScript script = SseScript.create();
    events.forEach(e -> script.event(e[0], e[1]));
    return script;
  }

  private static String[] ev(String name, String data) {
    return new String[] {name, data};
  }

  private static String quote(String text) {
    String array = new JsonArray().add(text).encode();
    return array.substring(1, array.length() - 1);
  }
}
