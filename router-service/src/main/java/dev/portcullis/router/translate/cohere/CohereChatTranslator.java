package dev.portcullis.router.translate.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.router.translate.ChatStreamTranslator;
import dev.portcullis.router.translate.ChatTranslator;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.openai.ChatCompletionBuilder;
import dev.portcullis.router.translate.openai.ChatRequestReader;
import dev.portcullis.router.translate.openai.FunctionTool;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.ToolChoice;
import dev.portcullis.router.translate.openai.ToolSelection;
import java.util.List;
import java.util.Map;

/** OpenAI Chat Completions to and from Cohere v2 chat: the request, the whole answer and the stream. */
public final class CohereChatTranslator implements ChatTranslator {

  private static final String WHERE = "Cohere";
  private static final int MAX_STOP_SEQUENCES = 5;

  @Override
  public String provider() {
    return "cohere";
  }

  @Override
  public ObjectNode toNativeRequest(JsonNode chat, String nativeModel) {
    ChatRequestReader.requireSingleChoice(chat, WHERE);
    ObjectNode request = Json.object();
    request.put("model", nativeModel);
    ArrayNode messages = request.putArray("messages");
    JsonNode chatMessages = ChatRequestReader.messages(chat);
    for (int i = 0; i < chatMessages.size(); i++) {
      messages.add(message(chatMessages.get(i), "messages[" + i + "]"));
    }
    addTools(chat, request);
    addResponseFormat(chat, request);
    Integer maxTokens = ChatRequestReader.maxTokens(chat);
    if (maxTokens != null) {
      request.put("max_tokens", maxTokens);
    }
    List<String> stop = ChatRequestReader.stop(chat);
    if (stop != null) {
      if (stop.size() > MAX_STOP_SEQUENCES) {
        throw GatewayError.invalidRequest("stop: Cohere takes at most 5 stop sequences", "stop").toException();
      }
      ArrayNode sequences = request.putArray("stop_sequences");
      stop.forEach(sequences::add);
    }
    if (Json.has(chat, "temperature")) {
      request.set("temperature", chat.get("temperature"));
    }
    if (Json.has(chat, "top_p")) {
      // Cohere's p must lie in [0.01, 0.99]; the edges of OpenAI's range mean the same there.
      request.put("p", Math.max(0.01, Math.min(0.99, chat.get("top_p").asDouble())));
    }
    for (String passthrough : List.of("seed", "frequency_penalty", "presence_penalty")) {
      if (Json.has(chat, passthrough)) {
        request.set(passthrough, chat.get(passthrough));
      }
    }
    if (ChatRequestReader.streaming(chat)) {
      request.put("stream", true);
    }
    return request;
  }

  private static ObjectNode message(JsonNode message, String path) {
    String role = ChatRequestReader.role(message, path);
    ObjectNode out = Json.object();
    switch (role) {
      case "system":
      case "developer":
        out.put("role", "system");
        out.put("content", ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " system messages"));
        return out;
      case "user":
        out.put("role", "user");
        out.set("content", userContent(message.get("content"), path + ".content"));
        return out;
      case "assistant":
        out.put("role", "assistant");
        String text = ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " assistant messages");
        if (!text.isEmpty()) {
          out.put("content", text);
        }
        JsonNode calls = message.get("tool_calls");
        if (calls != null && calls.isArray() && !calls.isEmpty()) {
          ArrayNode toolCalls = out.putArray("tool_calls");
          for (int j = 0; j < calls.size(); j++) {
            JsonNode function = calls.get(j).path("function");
            ObjectNode call = toolCalls.addObject();
            call.put("id", Json.text(calls.get(j), "id"));
            call.put("type", "function");
            call.putObject("function")
                .put("name", Json.text(function, "name"))
                .put("arguments", Json.text(function, "arguments") == null ? "{}" : function.get("arguments").asText());
          }
        }
        return out;
      case "tool":
        out.put("role", "tool");
        out.put("tool_call_id", Json.text(message, "tool_call_id"));
        out.put("content", ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " tool messages"));
        return out;
      default:
        throw ChatRequestReader.unknownRole(role, path);
    }
  }

  private static JsonNode userContent(JsonNode content, String path) {
    if (content == null || content.isNull() || content.isTextual()) {
      return TextNode.valueOf(content == null ? "" : content.asText());
    }
    if (!content.isArray()) {
      throw GatewayError.invalidRequest(path + " must be a string or an array of parts", path).toException();
    }
    ArrayNode parts = Json.array();
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String type = Json.text(part, "type");
      if ("text".equals(type)) {
        parts.addObject().put("type", "text").put("text", part.path("text").asText());
      } else if ("image_url".equals(type)) {
        // Cohere takes OpenAI's image_url part, data URLs and http(s) URLs alike.
        parts.add(part.deepCopy());
      } else {
        throw ChatRequestReader.unsupportedPart(path + "[" + i + "]", type, WHERE);
      }
    }
    return parts;
  }

  private static void addTools(JsonNode chat, ObjectNode request) {
    ToolSelection selection = ToolSelection.read(chat);
    ToolChoice choice = selection.choice();
    List<FunctionTool> tools = selection.tools();
    if (choice != null && choice.mode() == ToolChoice.Mode.NAMED) {
      // Cohere cannot name a tool; REQUIRED over a list holding only that tool means the same.
      tools = tools.stream().filter(t -> t.name().equals(choice.functionName())).toList();
    }
    if (!tools.isEmpty()) {
      ArrayNode out = request.putArray("tools");
      boolean strict = false;
      for (FunctionTool tool : tools) {
        ObjectNode function = out.addObject().put("type", "function").putObject("function");
        function.put("name", tool.name());
        if (tool.description() != null) {
          function.put("description", tool.description());
        }
        if (tool.parameters() != null) {
          function.set("parameters", tool.parameters());
        }
        strict |= tool.strict();
      }
      if (strict) {
        request.put("strict_tools", true);
      }
    }
    if (choice == null) {
      return;
    }
    switch (choice.mode()) {
      case NONE:
        request.put("tool_choice", "NONE");
        break;
      case REQUIRED:
      case NAMED:
        request.put("tool_choice", "REQUIRED");
        break;
      default:
        // auto is Cohere's default and has no value of its own.
        break;
    }
  }

  private static void addResponseFormat(JsonNode chat, ObjectNode request) {
    String type = ChatRequestReader.responseFormatType(chat);
    if ("json_object".equals(type)) {
      request.putObject("response_format").put("type", "json_object");
    } else if ("json_schema".equals(type)) {
      request.putObject("response_format")
          .put("type", "json_object")
          .set("json_schema", ChatRequestReader.responseSchema(chat));
    } else if (type != null && !"text".equals(type)) {
      throw GatewayError.invalidRequest("response_format.type '" + type + "' is not supported",
              "response_format.type").toException();
    }
  }

  @Override
  public ObjectNode toChatCompletion(JsonNode response, ResponseContext context) {
    ChatCompletionBuilder completion = new ChatCompletionBuilder();
    JsonNode message = response.path("message");
    JsonNode content = message.path("content");
    if (content.isTextual()) {
      completion.addText(content.asText());
    }
    for (JsonNode block : content) {
      if ("text".equals(Json.text(block, "type"))) {
        completion.addText(block.path("text").asText());
      } else if ("thinking".equals(Json.text(block, "type"))) {
        completion.addReasoning(block.path("thinking").asText());
      }
    }
    for (JsonNode call : message.path("tool_calls")) {
      JsonNode arguments = call.path("function").path("arguments");
      completion.addToolCall(
          Json.text(call, "id"),
          Json.text(call.get("function"), "name"),
          arguments.isTextual() ? arguments.asText() : Json.write(arguments));
    }
    String id = Json.text(response, "id");
    return completion.build(
        id == null ? context.fallbackId() : id,
        context.created(),
        context.model(),
        CohereFinishReasons.toOpenAi(Json.text(response, "finish_reason")),
        CohereUsage.toOpenAi(response.path("usage")));
  }

  @Override
  public ChatStreamTranslator newStreamTranslator(ResponseContext context) {
    return new CohereChatStreamTranslator(context);
  }

  @Override
  public TranslatedError translateError(int status, byte[] body, Map<String, String> headers) {
    return CohereErrorTranslator.fromHttp(status, body, headers);
  }
}
