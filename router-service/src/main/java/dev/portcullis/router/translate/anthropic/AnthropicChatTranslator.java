package dev.portcullis.router.translate.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.router.translate.ChatStreamTranslator;
import dev.portcullis.router.translate.ChatTranslator;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.openai.ChatCompletionBuilder;
import dev.portcullis.router.translate.openai.ChatRequestReader;
import dev.portcullis.router.translate.openai.DataUrl;
import dev.portcullis.router.translate.openai.FunctionTool;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.ToolChoice;
import dev.portcullis.router.translate.openai.ToolSelection;
import dev.portcullis.router.translate.openai.TurnMerger;
import dev.portcullis.router.translate.openai.UserContent;
import java.util.List;
import java.util.Map;

/** OpenAI Chat Completions to and from Anthropic Messages: the request, the whole answer and the stream. */
public final class AnthropicChatTranslator implements ChatTranslator {

  /**
   * Anthropic requires {@code max_tokens}; OpenAI clients often omit it. 4096 is what LiteLLM
   * uses when the model's own maximum is unknown, and every current Claude model accepts it.
   */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  private static final String WHERE = "Anthropic";

  @Override
  public String provider() {
    return "anthropic";
  }

  @Override
  public ObjectNode toNativeRequest(JsonNode chat, String nativeModel) {
    ChatRequestReader.requireSingleChoice(chat, WHERE);
    ObjectNode request = Json.object();
    request.put("model", nativeModel);
    Integer maxTokens = ChatRequestReader.maxTokens(chat);
    request.put("max_tokens", maxTokens == null ? DEFAULT_MAX_TOKENS : maxTokens);

    ArrayNode system = Json.array();
    ArrayNode messages = Json.array();
    // Same-role turns merge. Tool results go before any other block of the merged user turn:
    // Anthropic requires a user turn that answers tool calls to begin with the results.
    TurnMerger turns =
        new TurnMerger(messages, "content", "assistant", block -> "tool_result".equals(Json.text(block, "type")));
    JsonNode chatMessages = ChatRequestReader.messages(chat);
    for (int i = 0; i < chatMessages.size(); i++) {
      addMessage(chatMessages.get(i), "messages[" + i + "]", system, turns);
    }
    if (!system.isEmpty()) {
      request.set("system", system);
    }
    request.set("messages", messages);

    addTools(chat, request);
    List<String> stop = ChatRequestReader.stop(chat);
    if (stop != null) {
      ArrayNode sequences = request.putArray("stop_sequences");
      stop.forEach(sequences::add);
    }
    if (Json.has(chat, "temperature")) {
      double temperature = chat.get("temperature").asDouble();
      if (temperature > 1.0) {
        // Anthropic's range is 0-1; scaling would change the meaning the client chose.
        throw GatewayError.invalidRequest(
            "temperature " + temperature + " is above Anthropic's maximum of 1", "temperature").toException();
      }
      request.put("temperature", temperature);
    }
    if (Json.has(chat, "top_p")) {
      request.set("top_p", chat.get("top_p"));
    }
    addResponseFormat(chat, request);
    if (Json.has(chat, "user")) {
      request.putObject("metadata").put("user_id", chat.get("user").asText());
    }
    // seed is best effort even at OpenAI and Anthropic has none: leaving it out is faithful.
    if (ChatRequestReader.streaming(chat)) {
      request.put("stream", true);
    }
    return request;
  }

  private void addMessage(JsonNode message, String path, ArrayNode system, TurnMerger turns) {
    String role = ChatRequestReader.role(message, path);
    switch (role) {
      case "system":
      case "developer":
        String text = ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " system prompts");
        system.addObject().put("type", "text").put("text", text);
        break;
      case "user":
        turns.user(userBlocks(message.get("content"), path + ".content"));
        break;
      case "assistant":
        turns.assistant(assistantBlocks(message, path));
        break;
      case "tool":
        turns.toolResult(toolResult(message, path));
        break;
      default:
        throw ChatRequestReader.unknownRole(role, path);
    }
  }

  private static ArrayNode userBlocks(JsonNode content, String path) {
    return UserContent.translate(content, path,
        text -> Json.object().put("type", "text").put("text", text),
        (part, type, partPath, index) -> switch (type == null ? "" : type) {
          case "image_url" -> imageBlock(UserContent.imageUrl(part), partPath);
          case "file" -> base64Block(UserContent.inlineFile(part, partPath, "Anthropic"), partPath);
          default -> throw ChatRequestReader.unsupportedPart(partPath, type, WHERE);
        });
  }

  private static ObjectNode imageBlock(String url, String path) {
    ObjectNode block = Json.object();
    if (DataUrl.isDataUrl(url)) {
      DataUrl data = DataUrl.parse(url, path + ".image_url.url");
      return base64Block(data, path);
    }
    if (DataUrl.isHttpUrl(url)) {
      block.put("type", "image");
      block.putObject("source").put("type", "url").put("url", url);
      return block;
    }
    throw GatewayError.invalidRequest(
        path + ".image_url.url must be an http(s) URL or a base64 data URL", path + ".image_url.url").toException();
  }

  /** Images become image blocks; a PDF sent as an image or file becomes a document block. */
  private static ObjectNode base64Block(DataUrl data, String path) {
    ObjectNode block = Json.object();
    if ("application/pdf".equals(data.mimeType())) {
      block.put("type", "document");
    } else if (List.of("image/jpeg", "image/png", "image/gif", "image/webp").contains(data.mimeType())) {
      block.put("type", "image");
    } else {
      throw GatewayError.invalidRequest(
          path + ": media type " + data.mimeType() + " cannot be sent to Anthropic (jpeg, png,"
              + " gif, webp images and PDF documents can)",
          path).toException();
    }
    block.putObject("source")
        .put("type", "base64")
        .put("media_type", data.mimeType())
        .put("data", data.base64Data());
    return block;
  }

  private static ArrayNode assistantBlocks(JsonNode message, String path) {
    ArrayNode blocks = Json.array();
    String text = ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " assistant turns");
    if (!text.isEmpty()) {
      // Anthropic rejects empty text blocks, so an empty or null content adds none.
      blocks.addObject().put("type", "text").put("text", text);
    }
    JsonNode calls = message.get("tool_calls");
    for (int j = 0; calls != null && j < calls.size(); j++) {
      JsonNode call = calls.get(j);
      String callPath = path + ".tool_calls[" + j + "]";
      ObjectNode block = blocks.addObject();
      block.put("type", "tool_use");
      block.put("id", Json.text(call, "id"));
      block.put("name", Json.text(call.get("function"), "name"));
      block.set(
          "input",
          Json.parseArguments(call.path("function").get("arguments"), callPath + ".function.arguments"));
    }
    return blocks;
  }

  private static ArrayNode toolResult(JsonNode message, String path) {
    String callId = Json.text(message, "tool_call_id");
    if (callId == null) {
      throw GatewayError.invalidRequest(path + ".tool_call_id is required", path + ".tool_call_id").toException();
    }
    ArrayNode blocks = Json.array();
    ObjectNode result = blocks.addObject();
    result.put("type", "tool_result");
    result.put("tool_use_id", callId);
    result.put("content", ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " tool results"));
    return blocks;
  }

  private static void addTools(JsonNode chat, ObjectNode request) {
    ToolSelection selection = ToolSelection.read(chat);
    if (selection.hasTools()) {
      ArrayNode tools = request.putArray("tools");
      for (FunctionTool tool : selection.tools()) {
        ObjectNode spec = tools.addObject();
        spec.put("name", tool.name());
        if (tool.description() != null) {
          spec.put("description", tool.description());
        }
        spec.set("input_schema", tool.parameters() != null ? tool.parameters() : emptySchema());
        if (tool.strict()) {
          spec.put("strict", true);
        }
      }
    }
    ToolChoice choice = selection.choice();
    boolean serial = Boolean.FALSE.equals(selection.parallelToolCalls());
    if (choice == null && !(serial && selection.hasTools())) {
      return;
    }
    ObjectNode toolChoice = Json.object();
    ToolChoice.Mode mode = choice == null ? ToolChoice.Mode.AUTO : choice.mode();
    switch (mode) {
      case NONE:
        toolChoice.put("type", "none");
        break;
      case REQUIRED:
        toolChoice.put("type", "any");
        break;
      case NAMED:
        toolChoice.put("type", "tool").put("name", choice.functionName());
        break;
      default:
        toolChoice.put("type", "auto");
    }
    if (serial && mode != ToolChoice.Mode.NONE) {
      toolChoice.put("disable_parallel_tool_use", true);
    }
    request.set("tool_choice", toolChoice);
  }

  private static ObjectNode emptySchema() {
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    schema.putObject("properties");
    return schema;
  }

  private static void addResponseFormat(JsonNode chat, ObjectNode request) {
    String type = ChatRequestReader.responseFormatType(chat);
    if (type == null || "text".equals(type)) {
      return;
    }
    if ("json_schema".equals(type)) {
      request.putObject("output_config")
          .putObject("format")
          .put("type", "json_schema")
          .set("schema", ChatRequestReader.responseSchema(chat));
      return;
    }
    throw GatewayError.invalidRequest(
        "response_format.type '" + type + "' has no Anthropic equivalent; use json_schema",
        "response_format.type").toException();
  }

  @Override
  public ObjectNode toChatCompletion(JsonNode response, ResponseContext context) {
    ChatCompletionBuilder completion = new ChatCompletionBuilder();
    for (JsonNode block : response.path("content")) {
      switch (block.path("type").asText()) {
        case "text":
          completion.addText(block.path("text").asText());
          break;
        case "thinking":
          completion.addReasoning(block.path("thinking").asText());
          break;
        case "tool_use":
          completion.addToolCall(
              Json.text(block, "id"), Json.text(block, "name"), Json.write(block.path("input")));
          break;
        default:
          // redacted thinking and server-tool blocks have no OpenAI representation.
          break;
      }
    }
    String id = Json.text(response, "id");
    String model = Json.text(response, "model");
    return completion.build(
        id == null ? context.fallbackId() : id,
        context.created(),
        model == null ? context.model() : model,
        AnthropicFinishReasons.toOpenAi(Json.text(response, "stop_reason")),
        AnthropicUsage.toOpenAi(response.path("usage")));
  }

  @Override
  public ChatStreamTranslator newStreamTranslator(ResponseContext context) {
    return new AnthropicChatStreamTranslator(context);
  }

  @Override
  public TranslatedError translateError(int status, byte[] body, Map<String, String> headers) {
    return AnthropicErrorTranslator.fromHttp(status, body, headers);
  }
}
