package dev.portcullis.router.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.router.translate.openai.ChatRequestReader;
import dev.portcullis.router.translate.openai.IdMinter;
import dev.portcullis.router.translate.openai.Json;
import java.util.List;
import java.util.Objects;

/**
 * Serves the OpenAI Responses API over Chat Completions: a Responses request becomes a chat
 * request (which a {@code ChatTranslator} then takes to the native provider), and the chat answer
 * becomes a Responses {@code response}. The router stores nothing, so every request must carry
 * its whole conversation.
 */
public final class ResponsesChatBridge {

  private final IdMinter ids;

  /** @param ids mints {@code resp_…}, {@code msg_…} and {@code fc_…} ids */
  public ResponsesChatBridge(IdMinter ids) {
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  public ObjectNode toChatRequest(JsonNode request) {
    for (String stateful : List.of("previous_response_id", "conversation")) {
      if (Json.has(request, stateful)) {
        throw GatewayError.invalidRequest(
            stateful + " is not supported: the model router stores no responses; send the whole"
                + " conversation in 'input'",
            stateful).toException();
      }
    }
    ObjectNode chat = Json.object();
    if (Json.has(request, "model")) {
      chat.set("model", request.get("model"));
    }
    ArrayNode messages = chat.putArray("messages");
    if (Json.has(request, "instructions")) {
      messages.addObject().put("role", "system").put("content", request.get("instructions").asText());
    }
    JsonNode input = request.get("input");
    if (input == null || input.isNull()) {
      throw GatewayError.invalidRequest("'input' is required", "input").toException();
    }
    if (input.isTextual()) {
      messages.addObject().put("role", "user").put("content", input.asText());
    } else if (input.isArray()) {
      for (int i = 0; i < input.size(); i++) {
        addItem(input.get(i), "input[" + i + "]", messages);
      }
    } else {
      throw GatewayError.invalidRequest("'input' must be a string or an array of items", "input").toException();
    }
    addTools(request, chat);
    addTextFormat(request, chat);
    if (Json.has(request, "max_output_tokens")) {
      chat.set("max_completion_tokens", request.get("max_output_tokens"));
    }
    for (String same : List.of("temperature", "top_p", "parallel_tool_calls", "user")) {
      if (Json.has(request, same)) {
        chat.set(same, request.get(same));
      }
    }
    if (ChatRequestReader.streaming(request)) {
      chat.put("stream", true);
      // response.completed must carry usage, so it is always asked for.
      chat.putObject("stream_options").put("include_usage", true);
    }
    return chat;
  }

  private static void addItem(JsonNode item, String path, ArrayNode messages) {
    String type = Json.text(item, "type");
    if (type == null && item.has("role")) {
      type = "message";
    }
    switch (type == null ? "" : type) {
      case "message":
        addMessage(item, path, messages);
        break;
      case "function_call":
        ObjectNode call = Json.object();
        call.put("id", requireText(item, "call_id", path));
        call.put("type", "function");
        call.putObject("function")
            .put("name", requireText(item, "name", path))
            .put("arguments", item.path("arguments").asText(""));
        assistantTurn(messages).withArray("tool_calls").add(call);
        break;
      case "function_call_output":
        ObjectNode result = messages.addObject();
        result.put("role", "tool");
        result.put("tool_call_id", requireText(item, "call_id", path));
        result.put("content", outputText(item.get("output"), path + ".output"));
        break;
      case "reasoning":
        // Reasoning items are another model's opaque state; no chat model can read them, and the
        // router never produces them, so replaying one has nothing to carry over.
        break;
      default:
        throw GatewayError.invalidRequest(
            path + ".type '" + type + "': this input item cannot be served by the model router",
            path + ".type").toException();
    }
  }

  /** Function calls join the assistant turn just before them, or start one. */
  private static ObjectNode assistantTurn(ArrayNode messages) {
    if (!messages.isEmpty()) {
      ObjectNode last = (ObjectNode) messages.get(messages.size() - 1);
      if ("assistant".equals(Json.text(last, "role"))) {
        return last;
      }
    }
    ObjectNode turn = messages.addObject();
    turn.put("role", "assistant");
    turn.putNull("content");
    return turn;
  }

  private static void addMessage(JsonNode item, String path, ArrayNode messages) {
    String role = requireText(item, "role", path);
    if (!List.of("user", "assistant", "system", "developer").contains(role)) {
      throw GatewayError.invalidRequest(path + ".role '" + role + "' is not supported", path + ".role").toException();
    }
    ObjectNode message = messages.addObject();
    message.put("role", role);
    JsonNode content = item.get("content");
    if (content == null || content.isNull() || content.isTextual()) {
      message.put("content", content == null || content.isNull() ? "" : content.asText());
      return;
    }
    if (!"user".equals(role)) {
      // Chat takes only text from system, developer and assistant turns.
      message.put("content", outputText(content, path + ".content"));
      return;
    }
    ArrayNode parts = message.putArray("content");
    for (int i = 0; i < content.size(); i++) {
      parts.add(userPart(content.get(i), path + ".content[" + i + "]"));
    }
  }

  private static ObjectNode userPart(JsonNode part, String path) {
    String type = Json.text(part, "type");
    ObjectNode out = Json.object();
    if ("input_text".equals(type) || "output_text".equals(type)) {
      out.put("type", "text").put("text", part.path("text").asText());
      return out;
    }
    if ("input_image".equals(type)) {
      String url = Json.text(part, "image_url");
      if (url == null) {
        throw GatewayError.invalidRequest(
            path + ": images must be sent by image_url (a URL or base64 data URL), not file_id", path).toException();
      }
      ObjectNode image = out.put("type", "image_url").putObject("image_url");
      image.put("url", url);
      if (Json.has(part, "detail")) {
        image.put("detail", part.get("detail").asText());
      }
      return out;
    }
    if ("input_file".equals(type) && Json.has(part, "file_data")) {
      ObjectNode file = out.put("type", "file").putObject("file");
      file.put("file_data", part.get("file_data").asText());
      if (Json.has(part, "filename")) {
        file.put("filename", part.get("filename").asText());
      }
      return out;
    }
    throw GatewayError.invalidRequest(
        path + ": content of type '" + type + "' cannot be served by the model router"
            + ("input_file".equals(type) ? " (send files inline as file_data)" : ""),
        path).toException();
  }

  /** Text of a content list (or a plain string) whose parts may only be text. */
  private static String outputText(JsonNode content, String path) {
    if (content == null || content.isNull()) {
      return "";
    }
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String type = Json.text(part, "type");
      if ("input_text".equals(type) || "output_text".equals(type) || "text".equals(type)) {
        text.append(part.path("text").asText());
      } else if ("refusal".equals(type)) {
        text.append(part.path("refusal").asText());
      } else {
        throw GatewayError.invalidRequest(
            path + "[" + i + "]: content of type '" + type + "' can only be sent in user messages",
            path + "[" + i + "]").toException();
      }
    }
    return text.toString();
  }

  private static void addTools(JsonNode request, ObjectNode chat) {
    JsonNode tools = request.get("tools");
    if (tools != null && tools.isArray() && !tools.isEmpty()) {
      ArrayNode chatTools = chat.putArray("tools");
      for (int i = 0; i < tools.size(); i++) {
        JsonNode tool = tools.get(i);
        if (!"function".equals(Json.text(tool, "type"))) {
          throw GatewayError.invalidRequest(
              "tools[" + i + "]: built-in tool '" + Json.text(tool, "type") + "' is not available through the"
                  + " model router; only function tools are",
              "tools[" + i + "]").toException();
        }
        ObjectNode function = chatTools.addObject().put("type", "function").putObject("function");
        function.put("name", requireText(tool, "name", "tools[" + i + "]"));
        for (String field : List.of("description", "parameters", "strict")) {
          if (Json.has(tool, field)) {
            function.set(field, tool.get(field));
          }
        }
      }
    }
    JsonNode choice = request.get("tool_choice");
    if (choice == null || choice.isNull()) {
      return;
    }
    if (choice.isTextual()) {
      chat.set("tool_choice", choice);
      return;
    }
    String type = Json.text(choice, "type");
    if ("function".equals(type)) {
      chat.putObject("tool_choice").put("type", "function").putObject("function")
          .put("name", requireText(choice, "name", "tool_choice"));
      return;
    }
    if ("allowed_tools".equals(type)) {
      ObjectNode allowed = chat.putObject("tool_choice").put("type", "allowed_tools").putObject("allowed_tools");
      allowed.put("mode", choice.path("mode").asText("auto"));
      ArrayNode names = allowed.putArray("tools");
      for (JsonNode tool : choice.path("tools")) {
        names.addObject().put("type", "function").putObject("function").put("name", Json.text(tool, "name"));
      }
      return;
    }
    throw GatewayError.invalidRequest("tool_choice of type '" + type + "' cannot be served by the model router",
            "tool_choice").toException();
  }

  private static void addTextFormat(JsonNode request, ObjectNode chat) {
    JsonNode format = request.path("text").get("format");
    if (format == null || format.isNull()) {
      return;
    }
    String type = Json.text(format, "type");
    if ("text".equals(type) || "json_object".equals(type)) {
      chat.putObject("response_format").put("type", type);
    } else if ("json_schema".equals(type)) {
      ObjectNode schema = chat.putObject("response_format").put("type", "json_schema").putObject("json_schema");
      for (String field : List.of("name", "description", "schema", "strict")) {
        if (Json.has(format, field)) {
          schema.set(field, format.get(field));
        }
      }
    } else {
      throw GatewayError.invalidRequest("text.format.type '" + type + "' is not supported",
              "text.format.type").toException();
    }
  }

  private static String requireText(JsonNode node, String field, String path) {
    String value = Json.text(node, field);
    if (value == null) {
      throw GatewayError.invalidRequest(path + "." + field + " is required", path + "." + field).toException();
    }
    return value;
  }

  /**
   * The Responses {@code response} for a chat completion: a message item with the text (when
   * there is any), then one function_call item per tool call.
   */
  public ObjectNode toResponse(JsonNode request, JsonNode completion, long createdAt) {
    String responseId = ids.mint("resp_");
    JsonNode choice = completion.path("choices").path(0);
    JsonNode message = choice.path("message");
    ArrayNode output = Json.array();
    String text = Json.text(message, "content");
    if (text != null) {
      output.add(ResponseEnvelope.messageItem(ids.mint("msg_"), "completed", text));
    }
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode function = call.path("function");
      output.add(ResponseEnvelope.functionCallItem(
          ids.mint("fc_"), Json.text(call, "id"), Json.text(function, "name"),
          function.path("arguments").asText(""), "completed"));
    }
    String finishReason = Json.text(choice, "finish_reason");
    String model = Json.text(completion, "model");
    return ResponseEnvelope.build(
        request,
        responseId,
        createdAt,
        model != null ? model : Json.text(request, "model"),
        ResponseEnvelope.status(finishReason),
        output,
        ResponseEnvelope.incompleteReason(finishReason),
        ResponseEnvelope.usage(completion.get("usage")),
        null);
  }
}
