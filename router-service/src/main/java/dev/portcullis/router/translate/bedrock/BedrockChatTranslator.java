package dev.portcullis.router.translate.bedrock;

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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OpenAI Chat Completions to and from Bedrock Converse: the request, the whole answer and the
 * stream. The model
 * and streaming travel in the URL ({@code /model/{id}/converse[-stream]}), so the body names
 * neither. The response has no id or model: {@link ResponseContext#fallbackId()} should be the
 * {@code x-amzn-requestid} header.
 */
public final class BedrockChatTranslator implements ChatTranslator {

  private static final String WHERE = "Bedrock";

  @Override
  public String provider() {
    return "bedrock";
  }

  @Override
  public ObjectNode toNativeRequest(JsonNode chat, String nativeModel) {
    ChatRequestReader.requireSingleChoice(chat, WHERE);
    ObjectNode request = Json.object();
    ArrayNode messages = request.putArray("messages");
    ArrayNode system = Json.array();
    // Converse rejects two consecutive turns of the same role, so they merge; within a merged user
    // turn the tool results come first, as the models behind Converse expect.
    TurnMerger turns = new TurnMerger(messages, "content", "assistant", block -> block.has("toolResult"));
    JsonNode chatMessages = ChatRequestReader.messages(chat);
    for (int i = 0; i < chatMessages.size(); i++) {
      addMessage(chatMessages.get(i), "messages[" + i + "]", system, turns);
    }
    if (messages.isEmpty() || !"user".equals(messages.get(0).path("role").asText())) {
      throw GatewayError.invalidRequest(
          "messages: a Bedrock conversation must start with a user message after the system messages",
          "messages").toException();
    }
    if (!system.isEmpty()) {
      request.set("system", system);
    }
    ObjectNode inference = inferenceConfig(chat);
    if (!inference.isEmpty()) {
      request.set("inferenceConfig", inference);
    }
    addToolConfig(chat, request, messages);
    String format = ChatRequestReader.responseFormatType(chat);
    if (format != null && !"text".equals(format)) {
      throw GatewayError.invalidRequest(
          "response_format.type '" + format + "' has no Bedrock Converse equivalent",
          "response_format.type").toException();
    }
    if (Json.has(chat, "user")) {
      request.putObject("requestMetadata").put("user", chat.get("user").asText());
    }
    // seed is best effort even at OpenAI, and Converse has no model-independent field for it.
    return request;
  }

  private void addMessage(JsonNode message, String path, ArrayNode system, TurnMerger turns) {
    String role = ChatRequestReader.role(message, path);
    switch (role) {
      case "system":
      case "developer":
        system.addObject().put("text", ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " system prompts"));
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
    return UserContent.translate(content, path, text -> Json.object().put("text", text),
        (part, type, partPath, index) -> switch (type == null ? "" : type) {
          // Converse takes only bytes or S3 locations, so images must come inline.
          case "image_url" -> {
            DataUrl data = UserContent.inlineImage(part, partPath, "Bedrock");
            ObjectNode block = Json.object();
            ObjectNode image = block.putObject("image");
            image.put("format", BedrockMedia.imageFormat(data.mimeType(), partPath));
            image.putObject("source").put("bytes", data.base64Data());
            yield block;
          }
          case "file" -> {
            DataUrl data = UserContent.inlineFile(part, partPath, "Bedrock");
            ObjectNode block = Json.object();
            ObjectNode document = block.putObject("document");
            document.put("format", BedrockMedia.documentFormat(data.mimeType(), partPath));
            document.put("name", BedrockMedia.documentName(Json.text(part.path("file"), "filename"),
                "document " + (index + 1)));
            document.putObject("source").put("bytes", data.base64Data());
            yield block;
          }
          default -> throw ChatRequestReader.unsupportedPart(partPath, type, WHERE);
        });
  }

  private static ArrayNode assistantBlocks(JsonNode message, String path) {
    ArrayNode blocks = Json.array();
    String text = ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " assistant turns");
    if (!text.isEmpty()) {
      blocks.addObject().put("text", text);
    }
    JsonNode calls = message.get("tool_calls");
    for (int j = 0; calls != null && j < calls.size(); j++) {
      JsonNode call = calls.get(j);
      ObjectNode toolUse = blocks.addObject().putObject("toolUse");
      toolUse.put("toolUseId", Json.text(call, "id"));
      toolUse.put("name", Json.text(call.get("function"), "name"));
      toolUse.set("input", Json.parseArguments(call.path("function").get("arguments"), path + ".tool_calls[" + j + "].function.arguments"));
    }
    return blocks;
  }

  private static ArrayNode toolResult(JsonNode message, String path) {
    String callId = Json.text(message, "tool_call_id");
    if (callId == null) {
      throw GatewayError.invalidRequest(path + ".tool_call_id is required", path + ".tool_call_id").toException();
    }
    ArrayNode blocks = Json.array();
    ObjectNode result = blocks.addObject().putObject("toolResult");
    result.put("toolUseId", callId);
    result.putArray("content").addObject()
        .put("text", ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " tool results"));
    result.put("status", "success");
    return blocks;
  }

  private static ObjectNode inferenceConfig(JsonNode chat) {
    ObjectNode config = Json.object();
    Integer maxTokens = ChatRequestReader.maxTokens(chat);
    if (maxTokens != null) {
      config.put("maxTokens", maxTokens);
    }
    if (Json.has(chat, "temperature")) {
      config.set("temperature", chat.get("temperature"));
    }
    if (Json.has(chat, "top_p")) {
      config.set("topP", chat.get("top_p"));
    }
    List<String> stop = ChatRequestReader.stop(chat);
    if (stop != null) {
      ArrayNode sequences = config.putArray("stopSequences");
      stop.forEach(sequences::add);
    }
    return config;
  }

  /**
   * Converse has no "none" tool choice, and it rejects any request whose history holds toolUse or
   * toolResult blocks without a toolConfig. So "none" drops the tools unless the history needs a
   * toolConfig, in which case the tools stay (with the default, auto, choice); a history with tool
   * blocks but no declared tools gets minimal declarations of the tools it used.
   */
  private static void addToolConfig(JsonNode chat, ObjectNode request, ArrayNode messages) {
    ToolSelection selection = ToolSelection.read(chat);
    ToolChoice choice = selection.choice();
    Set<String> historyTools = toolNamesInHistory(messages);
    boolean none = choice != null && choice.mode() == ToolChoice.Mode.NONE;
    if ((none || !selection.hasTools()) && historyTools.isEmpty()) {
      return;
    }
    ObjectNode toolConfig = request.putObject("toolConfig");
    ArrayNode tools = toolConfig.putArray("tools");
    if (selection.hasTools()) {
      for (FunctionTool tool : selection.tools()) {
        ObjectNode spec = tools.addObject().putObject("toolSpec");
        spec.put("name", tool.name());
        if (tool.description() != null) {
          spec.put("description", tool.description());
        }
        spec.putObject("inputSchema").set("json", tool.parameters() != null ? tool.parameters() : emptySchema());
      }
    } else {
      for (String name : historyTools) {
        ObjectNode spec = tools.addObject().putObject("toolSpec");
        spec.put("name", name);
        spec.put("description", "Tool used earlier in this conversation.");
        spec.putObject("inputSchema").set("json", emptySchema());
      }
    }
    if (choice == null || none) {
      return;
    }
    ObjectNode toolChoice = toolConfig.putObject("toolChoice");
    switch (choice.mode()) {
      case REQUIRED:
        toolChoice.putObject("any");
        break;
      case NAMED:
        toolChoice.putObject("tool").put("name", choice.functionName());
        break;
      default:
        toolChoice.putObject("auto");
    }
  }

  private static Set<String> toolNamesInHistory(ArrayNode messages) {
    Set<String> names = new LinkedHashSet<>();
    boolean anyToolBlock = false;
    for (JsonNode message : messages) {
      for (JsonNode block : message.path("content")) {
        if (block.has("toolUse")) {
          names.add(block.get("toolUse").path("name").asText());
        }
        anyToolBlock |= block.has("toolUse") || block.has("toolResult");
      }
    }
    if (anyToolBlock && names.isEmpty()) {
      // Only results whose calls are not in the history: the config still has to exist.
      names.add("tool");
    }
    return names;
  }

  private static ObjectNode emptySchema() {
    ObjectNode schema = Json.object();
    schema.put("type", "object");
    schema.putObject("properties");
    return schema;
  }

  @Override
  public ObjectNode toChatCompletion(JsonNode response, ResponseContext context) {
    ChatCompletionBuilder completion = new ChatCompletionBuilder();
    // Some guardrail paths answer 200 without output: that is an empty message, not a crash.
    for (JsonNode block : response.path("output").path("message").path("content")) {
      if (block.has("text")) {
        completion.addText(block.get("text").asText());
      } else if (block.has("toolUse")) {
        JsonNode toolUse = block.get("toolUse");
        completion.addToolCall(Json.text(toolUse, "toolUseId"), Json.text(toolUse, "name"), Json.write(toolUse.path("input")));
      } else if (block.has("reasoningContent")) {
        String reasoning = Json.text(block.get("reasoningContent").path("reasoningText"), "text");
        if (reasoning != null) {
          completion.addReasoning(reasoning);
        }
      }
    }
    return completion.build(
        context.fallbackId(),
        context.created(),
        context.model(),
        BedrockFinishReasons.toOpenAi(Json.text(response, "stopReason")),
        BedrockUsage.toOpenAi(response.path("usage")));
  }

  @Override
  public ChatStreamTranslator newStreamTranslator(ResponseContext context) {
    return new BedrockChatStreamTranslator(context);
  }

  @Override
  public TranslatedError translateError(int status, byte[] body, Map<String, String> headers) {
    return BedrockErrorTranslator.fromHttp(status, body, headers);
  }
}
