package dev.portcullis.router.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.portcullis.router.translate.openai.Json;

/**
 * The Responses API {@code response} object, built from the client's request
 * (whose settings it echoes, as OpenAI does) and the outcome of the chat call.
 */
final class ResponseEnvelope {

  private ResponseEnvelope() {}

  static ObjectNode build(
      JsonNode request,
      String id,
      long createdAt,
      String model,
      String status,
      ArrayNode output,
      String incompleteReason,
      ObjectNode usage,
      ObjectNode error) {
    ObjectNode response = Json.object();
    response.put("id", id);
    response.put("object", "response");
    response.put("created_at", createdAt);
    response.put("status", status);
    response.put("model", model);
    response.set("output", output);
    response.set("error", error == null ? NullNode.getInstance() : error);
    if (incompleteReason == null) {
      response.putNull("incomplete_details");
    } else {
      response.putObject("incomplete_details").put("reason", incompleteReason);
    }
    echo(request, response, "instructions", null);
    echo(request, response, "tools", Json.array());
    echo(request, response, "tool_choice", TextNode.valueOf("auto"));
    echo(request, response, "parallel_tool_calls", BooleanNode.TRUE);
    echo(request, response, "temperature", null);
    echo(request, response, "top_p", null);
    echo(request, response, "max_output_tokens", null);
    response.putNull("previous_response_id");
    ObjectNode defaultText = Json.object();
    defaultText.putObject("format").put("type", "text");
    echo(request, response, "text", defaultText);
    echo(request, response, "metadata", Json.object());
    response.set("usage", usage == null ? NullNode.getInstance() : usage);
    return response;
  }

  private static void echo(JsonNode request, ObjectNode response, String field, JsonNode fallback) {
    JsonNode value = request.get(field);
    if (value != null && !value.isNull()) {
      response.set(field, value.deepCopy());
    } else if (fallback != null) {
      response.set(field, fallback);
    } else {
      response.putNull(field);
    }
  }

  /** Chat usage in Responses terms: input/output instead of prompt/completion. */
  static ObjectNode usage(JsonNode chatUsage) {
    if (chatUsage == null || chatUsage.isNull() || chatUsage.isMissingNode()) {
      return null;
    }
    ObjectNode usage = Json.object();
    long input = Json.longOr(chatUsage, "prompt_tokens", 0);
    long output = Json.longOr(chatUsage, "completion_tokens", 0);
    usage.put("input_tokens", input);
    usage.putObject("input_tokens_details")
        .put("cached_tokens", Json.longOr(chatUsage.path("prompt_tokens_details"), "cached_tokens", 0));
    usage.put("output_tokens", output);
    usage.putObject("output_tokens_details")
        .put("reasoning_tokens", Json.longOr(chatUsage.path("completion_tokens_details"), "reasoning_tokens", 0));
    usage.put("total_tokens", Json.longOr(chatUsage, "total_tokens", input + output));
    return usage;
  }

  /** {@code completed}, or {@code incomplete} when the chat call stopped short. */
  static String status(String finishReason) {
    return incompleteReason(finishReason) == null ? "completed" : "incomplete";
  }

  static String incompleteReason(String finishReason) {
    if ("length".equals(finishReason)) {
      return "max_output_tokens";
    }
    if ("content_filter".equals(finishReason)) {
      return "content_filter";
    }
    return null;
  }

  static ObjectNode messageItem(String id, String status, String text) {
    ObjectNode item = Json.object();
    item.put("type", "message");
    item.put("id", id);
    item.put("status", status);
    item.put("role", "assistant");
    ArrayNode content = item.putArray("content");
    if (text != null) {
      content.add(outputText(text));
    }
    return item;
  }

  static ObjectNode outputText(String text) {
    ObjectNode part = Json.object();
    part.put("type", "output_text");
    part.put("text", text);
    part.putArray("annotations");
    return part;
  }

  static ObjectNode functionCallItem(String id, String callId, String name, String arguments, String status) {
    ObjectNode item = Json.object();
    item.put("type", "function_call");
    item.put("id", id);
    item.put("call_id", callId);
    item.put("name", name);
    item.put("arguments", arguments);
    item.put("status", status);
    return item;
  }
}
