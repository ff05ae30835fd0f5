package dev.portcullis.router.translate.gemini;

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
import dev.portcullis.router.translate.openai.IdMinter;
import dev.portcullis.router.translate.openai.Json;
import dev.portcullis.router.translate.openai.ToolChoice;
import dev.portcullis.router.translate.openai.ToolSelection;
import dev.portcullis.router.translate.openai.TurnMerger;
import dev.portcullis.router.translate.openai.UserContent;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * OpenAI Chat Completions to and from Gemini generateContent: the request, the whole answer and
 * the stream. The model and streaming travel in the URL, so the body names neither. Tool-call ids are minted here
 * and carry Gemini's thought signatures (see {@link GeminiToolCallIds}).
 */
public final class GeminiChatTranslator implements ChatTranslator {

  private static final String WHERE = "Gemini";

  private final IdMinter ids;

  /** @param ids mints the OpenAI tool-call ids Gemini does not provide ({@code call_…}) */
  public GeminiChatTranslator(IdMinter ids) {
    this.ids = Objects.requireNonNull(ids, "ids");
  }

  @Override
  public String provider() {
    return "gemini";
  }

  @Override
  public ObjectNode toNativeRequest(JsonNode chat, String nativeModel) {
    ChatRequestReader.requireSingleChoice(chat, WHERE);
    ObjectNode request = Json.object();
    JsonNode messages = ChatRequestReader.messages(chat);
    Map<String, String> toolNames = ChatRequestReader.toolNamesById(messages);
    ArrayNode contents = request.putArray("contents");
    ArrayNode systemParts = Json.array();
    // Gemini expects user and model turns to alternate, so adjacent same-role turns merge.
    TurnMerger turns = new TurnMerger(contents, "parts", "model", part -> false);
    for (int i = 0; i < messages.size(); i++) {
      addMessage(messages.get(i), "messages[" + i + "]", toolNames, systemParts, turns);
    }
    if (!systemParts.isEmpty()) {
      request.putObject("systemInstruction").set("parts", systemParts);
    }
    addTools(chat, request);
    ObjectNode generation = generationConfig(chat);
    if (!generation.isEmpty()) {
      request.set("generationConfig", generation);
    }
    return request;
  }

  private void addMessage(
      JsonNode message, String path, Map<String, String> toolNames, ArrayNode systemParts, TurnMerger turns) {
    String role = ChatRequestReader.role(message, path);
    switch (role) {
      case "system":
      case "developer":
        systemParts.addObject()
            .put("text", ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " system instructions"));
        break;
      case "user":
        turns.user(userParts(message.get("content"), path + ".content"));
        break;
      case "assistant":
        turns.assistant(modelParts(message, path));
        break;
      case "tool":
        turns.toolResult(functionResponse(message, path, toolNames));
        break;
      default:
        throw ChatRequestReader.unknownRole(role, path);
    }
  }

  private static ArrayNode userParts(JsonNode content, String path) {
    return UserContent.translate(content, path, text -> Json.object().put("text", text),
        (part, type, partPath, index) -> switch (type == null ? "" : type) {
          // AI Studio cannot fetch arbitrary URLs either, so images must come inline.
          case "image_url" -> inlineData(UserContent.inlineImage(part, partPath, "Gemini"));
          case "input_audio" -> {
            JsonNode audio = part.path("input_audio");
            yield inlineData(new DataUrl("audio/" + audio.path("format").asText("wav"), audio.path("data").asText()));
          }
          case "file" -> inlineData(UserContent.inlineFile(part, partPath, "Gemini"));
          default -> throw ChatRequestReader.unsupportedPart(partPath, type, WHERE);
        });
  }

  private static ObjectNode inlineData(DataUrl data) {
    ObjectNode part = Json.object();
    part.putObject("inlineData").put("mimeType", data.mimeType()).put("data", data.base64Data());
    return part;
  }

  private static ArrayNode modelParts(JsonNode message, String path) {
    ArrayNode parts = Json.array();
    String text = ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " model turns");
    if (!text.isEmpty()) {
      parts.addObject().put("text", text);
    }
    JsonNode calls = message.get("tool_calls");
    for (int j = 0; calls != null && j < calls.size(); j++) {
      JsonNode function = calls.get(j).path("function");
      ObjectNode part = parts.addObject();
      ObjectNode call = part.putObject("functionCall");
      call.put("name", Json.text(function, "name"));
      call.set("args", Json.parseArguments(function.get("arguments"), path + ".tool_calls[" + j + "].function.arguments"));
      String signature = GeminiToolCallIds.signatureOf(Json.text(calls.get(j), "id"));
      if (signature != null) {
        part.put("thoughtSignature", signature);
      }
    }
    return parts;
  }

  /** Gemini keys a function response by function name, found from the call it answers. */
  private static ArrayNode functionResponse(JsonNode message, String path, Map<String, String> toolNames) {
    String callId = Json.text(message, "tool_call_id");
    String name = callId == null ? null : toolNames.get(callId);
    if (name == null) {
      throw GatewayError.invalidRequest(
          path + ".tool_call_id '" + callId + "' matches no tool call of an earlier assistant message",
          path + ".tool_call_id").toException();
    }
    ArrayNode parts = Json.array();
    ObjectNode response = parts.addObject().putObject("functionResponse");
    response.put("name", name);
    response.putObject("response")
        .put("output", ChatRequestReader.textOnly(message.get("content"), path + ".content", WHERE + " function responses"));
    return parts;
  }

  private static void addTools(JsonNode chat, ObjectNode request) {
    ToolSelection selection = ToolSelection.read(chat);
    if (selection.hasTools()) {
      ArrayNode declarations = request.putArray("tools").addObject().putArray("functionDeclarations");
      for (FunctionTool tool : selection.tools()) {
        ObjectNode declaration = declarations.addObject();
        declaration.put("name", tool.name());
        if (tool.description() != null) {
          declaration.put("description", tool.description());
        }
        if (tool.parameters() != null) {
          declaration.set("parameters", GeminiSchemas.clean(tool.parameters()));
        }
      }
    }
    ToolChoice choice = selection.choice();
    if (choice == null) {
      return;
    }
    ObjectNode config = request.putObject("toolConfig").putObject("functionCallingConfig");
    switch (choice.mode()) {
      case NONE:
        config.put("mode", "NONE");
        break;
      case REQUIRED:
        config.put("mode", "ANY");
        break;
      case NAMED:
        config.put("mode", "ANY");
        config.putArray("allowedFunctionNames").add(choice.functionName());
        break;
      default:
        config.put("mode", "AUTO");
    }
  }

  private static ObjectNode generationConfig(JsonNode chat) {
    ObjectNode config = Json.object();
    if (Json.has(chat, "temperature")) {
      config.set("temperature", chat.get("temperature"));
    }
    if (Json.has(chat, "top_p")) {
      config.set("topP", chat.get("top_p"));
    }
    Integer maxTokens = ChatRequestReader.maxTokens(chat);
    if (maxTokens != null) {
      config.put("maxOutputTokens", maxTokens);
    }
    List<String> stop = ChatRequestReader.stop(chat);
    if (stop != null) {
      ArrayNode sequences = config.putArray("stopSequences");
      stop.forEach(sequences::add);
    }
    if (Json.has(chat, "seed")) {
      config.set("seed", chat.get("seed"));
    }
    String format = ChatRequestReader.responseFormatType(chat);
    if ("json_object".equals(format)) {
      config.put("responseMimeType", "application/json");
    } else if ("json_schema".equals(format)) {
      config.put("responseMimeType", "application/json");
      // responseJsonSchema takes full JSON Schema, so the client's schema needs no rewriting.
      config.set("responseJsonSchema", ChatRequestReader.responseSchema(chat));
    } else if (format != null && !"text".equals(format)) {
      throw GatewayError.invalidRequest(
          "response_format.type '" + format + "' is not supported", "response_format.type").toException();
    }
    return config;
  }

  @Override
  public ObjectNode toChatCompletion(JsonNode response, ResponseContext context) {
    ChatCompletionBuilder completion = new ChatCompletionBuilder();
    JsonNode candidate = response.path("candidates").path(0);
    for (JsonNode part : candidate.path("content").path("parts")) {
      if (part.has("functionCall")) {
        JsonNode call = part.get("functionCall");
        completion.addToolCall(
            GeminiToolCallIds.withSignature(ids.mint("call_"), Json.text(part, "thoughtSignature")),
            Json.text(call, "name"),
            Json.write(call.path("args")));
      } else if (part.has("text")) {
        if (part.path("thought").asBoolean(false)) {
          completion.addReasoning(part.get("text").asText());
        } else {
          completion.addText(part.get("text").asText());
        }
      }
    }
    String finishReason =
        candidate.isMissingNode() && Json.has(response.path("promptFeedback"), "blockReason")
            ? "content_filter" // the prompt itself was blocked: there is no candidate at all
            : GeminiFinishReasons.toOpenAi(Json.text(candidate, "finishReason"), completion.hasToolCalls());
    String id = Json.text(response, "responseId");
    String model = Json.text(response, "modelVersion");
    return completion.build(
        id == null ? context.fallbackId() : id,
        context.created(),
        model == null ? context.model() : model,
        finishReason,
        GeminiUsage.toOpenAi(response.path("usageMetadata")));
  }

  @Override
  public ChatStreamTranslator newStreamTranslator(ResponseContext context) {
    return new GeminiChatStreamTranslator(context, ids);
  }

  @Override
  public TranslatedError translateError(int status, byte[] body, Map<String, String> headers) {
    return GeminiErrorTranslator.fromHttp(status, body, headers);
  }
}
