package dev.portcullis.policy.answer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A streamed OpenAI Responses answer as api.openai.com writes it: every event with its
 * {@code event:} line, a {@code sequence_number} one above the last, text items and function calls
 * in the documented order, then {@code response.completed} repeating the whole output.
 */
final class ResponsesStreamFixture {

  static final String RESPONSE_ID = "resp_67ccf18ef5fc8190b16dbee19bc54e5f";

  private final List<Buffer> events = new ArrayList<>();
  private final JsonArray output = new JsonArray();
  private int sequence;

  static ResponsesStreamFixture begin() {
    ResponsesStreamFixture fixture = new ResponsesStreamFixture();
    fixture.add("response.created", new JsonObject().put("response", response("in_progress", new JsonArray(), null)));
    fixture.add("response.in_progress", new JsonObject().put("response", response("in_progress", new JsonArray(), null)));
    return fixture;
  }

  static JsonObject response(String status, JsonArray output, JsonObject usage) {
    return new JsonObject().put("id", RESPONSE_ID).put("object", "response").put("created_at", 1741484430)
        .put("status", status).put("background", false).putNull("error").putNull("incomplete_details")
        .putNull("instructions").putNull("max_output_tokens").put("model", "gpt-4.1-2025-04-14")
        .put("output", output).put("parallel_tool_calls", true).putNull("previous_response_id")
        .put("reasoning", new JsonObject().putNull("effort").putNull("summary")).put("store", true)
        .put("temperature", 1.0).put("text", new JsonObject().put("format", new JsonObject().put("type", "text")))
        .put("tool_choice", "auto").put("tools", new JsonArray()).put("top_p", 1.0).put("truncation", "disabled")
        .put("usage", usage).putNull("user").put("metadata", new JsonObject());
  }

  /** A message item with one output_text part streamed in the given pieces. */
  ResponsesStreamFixture text(String messageId, String... pieces) {
    int index = output.size();
    String full = String.join("", pieces);
    add("response.output_item.added", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", messageId).put("type", "message").put("status", "in_progress").put("content", new JsonArray())
        .put("role", "assistant")));
    add("response.content_part.added", part(messageId, index).put("part", outputText("")));
    for (String piece : pieces) {
      add("response.output_text.delta", part(messageId, index).put("delta", piece).put("logprobs", new JsonArray())
          .put("obfuscation", "x7Yq"));
    }
    add("response.output_text.done", part(messageId, index).put("text", full).put("logprobs", new JsonArray()));
    add("response.content_part.done", part(messageId, index).put("part", outputText(full)));
    JsonObject item = new JsonObject().put("id", messageId).put("type", "message").put("status", "completed")
        .put("content", new JsonArray().add(outputText(full))).put("role", "assistant");
    add("response.output_item.done", new JsonObject().put("output_index", index).put("item", item));
    output.add(item);
    return this;
  }

  /** A function call whose arguments are streamed in the given pieces. */
  ResponsesStreamFixture call(String itemId, String callId, String name, String... argumentPieces) {
    int index = output.size();
    String arguments = String.join("", argumentPieces);
    add("response.output_item.added", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", itemId).put("type", "function_call").put("status", "in_progress").put("arguments", "")
        .put("call_id", callId).put("name", name)));
    for (String piece : argumentPieces) {
      add("response.function_call_arguments.delta", new JsonObject().put("item_id", itemId).put("output_index", index)
          .put("delta", piece).put("obfuscation", "Qz"));
    }
    add("response.function_call_arguments.done", new JsonObject().put("item_id", itemId).put("output_index", index)
        .put("name", name).put("arguments", arguments));
    JsonObject item = new JsonObject().put("id", itemId).put("type", "function_call").put("status", "completed")
        .put("arguments", arguments).put("call_id", callId).put("name", name);
    add("response.output_item.done", new JsonObject().put("output_index", index).put("item", item));
    output.add(item);
    return this;
  }

  /** A custom tool's call whose free-text input is streamed in the given pieces. */
  ResponsesStreamFixture customCall(String itemId, String callId, String name, String... inputPieces) {
    int index = output.size();
    String input = String.join("", inputPieces);
    add("response.output_item.added", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", itemId).put("type", "custom_tool_call").put("status", "in_progress").put("input", "")
        .put("call_id", callId).put("name", name)));
    for (String piece : inputPieces) {
      add("response.custom_tool_call_input.delta", new JsonObject().put("item_id", itemId).put("output_index", index)
          .put("delta", piece).put("obfuscation", "Qz"));
    }
    add("response.custom_tool_call_input.done", new JsonObject().put("item_id", itemId).put("output_index", index)
        .put("input", input));
    JsonObject item = new JsonObject().put("id", itemId).put("type", "custom_tool_call").put("status", "completed")
        .put("input", input).put("call_id", callId).put("name", name);
    add("response.output_item.done", new JsonObject().put("output_index", index).put("item", item));
    output.add(item);
    return this;
  }

  ResponsesStreamFixture completed() {
    add("response.completed", new JsonObject().put("response", response("completed", output.copy(),
        new JsonObject().put("input_tokens", 291).put("input_tokens_details", new JsonObject().put("cached_tokens", 0))
            .put("output_tokens", 23).put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))
            .put("total_tokens", 314))));
    return this;
  }

  List<Buffer> events() {
    return List.copyOf(events);
  }

  Buffer body() {
    return ResponsesCohereBedrockTesting.concat(events);
  }

  private void add(String type, JsonObject fields) {
    JsonObject data = new JsonObject().put("type", type).put("sequence_number", sequence++).mergeIn(fields);
    events.add(Buffer.buffer("event: " + type + "\ndata: " + data.encode() + "\n\n"));
  }

  private static JsonObject part(String itemId, int index) {
    return new JsonObject().put("item_id", itemId).put("output_index", index).put("content_index", 0);
  }

  private static JsonObject outputText(String text) {
    return new JsonObject().put("type", "output_text").put("annotations", new JsonArray()).put("logprobs", new JsonArray())
        .put("text", text);
  }
}
