package dev.portcullis.policy.answer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A streamed Cohere v2 chat answer as api.cohere.com writes it (docs.cohere.com, "Streaming for
 * tool use"): SSE events named by their {@code type}, a tool call as {@code tool-call-start} (one
 * {@code tool_calls} object, arguments empty), {@code tool-call-delta}s and {@code tool-call-end}.
 */
final class CohereStreamFixture {

  private final List<Buffer> events = new ArrayList<>();

  static CohereStreamFixture begin() {
    CohereStreamFixture fixture = new CohereStreamFixture();
    fixture.add(new JsonObject().put("id", "fba98ad3-e5a1-413c-a8de-84fbf9baabf7").put("type", "message-start")
        .put("delta", message(new JsonObject().put("role", "assistant").put("content", new JsonArray())
            .put("tool_plan", "").put("tool_calls", new JsonArray()).put("citations", new JsonArray()))));
    return fixture;
  }

  CohereStreamFixture toolPlan(String... pieces) {
    for (String piece : pieces) {
      add(new JsonObject().put("type", "tool-plan-delta").put("delta", message(new JsonObject().put("tool_plan", piece))));
    }
    return this;
  }

  CohereStreamFixture text(int index, String... pieces) {
    add(new JsonObject().put("type", "content-start").put("index", index)
        .put("delta", message(new JsonObject().put("content", new JsonObject().put("type", "text").put("text", "")))));
    for (String piece : pieces) {
      add(new JsonObject().put("type", "content-delta").put("index", index)
          .put("delta", message(new JsonObject().put("content", new JsonObject().put("text", piece)))));
    }
    add(new JsonObject().put("type", "content-end").put("index", index));
    return this;
  }

  CohereStreamFixture call(int index, String id, String name, String... argumentPieces) {
    add(new JsonObject().put("type", "tool-call-start").put("index", index).put("delta", message(new JsonObject()
        .put("tool_calls", new JsonObject().put("id", id).put("type", "function")
            .put("function", new JsonObject().put("name", name).put("arguments", ""))))));
    for (String piece : argumentPieces) {
      add(new JsonObject().put("type", "tool-call-delta").put("index", index).put("delta", message(new JsonObject()
          .put("tool_calls", new JsonObject().put("function", new JsonObject().put("arguments", piece))))));
    }
    add(new JsonObject().put("type", "tool-call-end").put("index", index));
    return this;
  }

  CohereStreamFixture end(String finishReason) {
    add(new JsonObject().put("type", "message-end").put("delta", new JsonObject().put("finish_reason", finishReason)
        .put("usage", new JsonObject()
            .put("billed_units", new JsonObject().put("input_tokens", 37).put("output_tokens", 28))
            .put("tokens", new JsonObject().put("input_tokens", 913).put("output_tokens", 83)))));
    return this;
  }

  List<Buffer> events() {
    return List.copyOf(events);
  }

  Buffer body() {
    return ResponsesCohereBedrockTesting.concat(events);
  }

  private static JsonObject message(JsonObject message) {
    return new JsonObject().put("message", message);
  }

  private void add(JsonObject data) {
    events.add(Buffer.buffer("event: " + data.getString("type") + "\ndata: " + data.encode() + "\n\n"));
  }
}
