package dev.portcullis.policy.conversation;

import static dev.portcullis.policy.conversation.LenientJson.array;
import static dev.portcullis.policy.conversation.LenientJson.object;
import static dev.portcullis.policy.conversation.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Cohere {@code /v2/chat}: {@code messages} with roles {@code system}, {@code user},
 * {@code assistant} (with OpenAI-shaped {@code tool_calls}) and {@code tool}; {@code tools} shaped
 * as OpenAI's; the answer's {@code message}. The assistant's {@code tool_plan} is its reasoning
 * before calling tools and is not read as text.
 */
final class CohereChatReader implements FamilyReader {

  @Override
  public void readRequest(JsonNode body, ConversationCollector out) {
    for (JsonNode tool : array(body, "tools")) {
      out.toolOffered(text(object(tool, "function"), "name"));
    }
    for (JsonNode message : array(body, "messages")) {
      String role = text(message, "role");
      if ("tool".equals(role)) {
        out.toolResult(text(message, "tool_call_id"), null, toolContentText(message.get("content")));
      } else {
        readTurn(role, message, out);
      }
    }
  }

  @Override
  public void readAnswer(JsonNode body, ConversationCollector out) {
    JsonNode message = object(body, "message");
    String role = text(message, "role");
    readTurn(role == null ? "assistant" : role, message, out);
  }

  private static void readTurn(String role, JsonNode message, ConversationCollector out) {
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      out.text(role, content.textValue());
    }
    for (JsonNode part : LenientJson.elements(content)) {
      if ("text".equals(text(part, "type"))) {
        out.text(role, text(part, "text"));
      }
    }
    FunctionToolCalls.read(message, out);
  }

  /**
   * A tool message's content: a string, or its parts joined: text parts as they are, document
   * parts as the JSON text of their {@code data} (a string map the tool returned).
   */
  private static String toolContentText(JsonNode content) {
    if (content != null && content.isTextual()) {
      return content.textValue();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode part : LenientJson.elements(content)) {
      String type = text(part, "type");
      if ("text".equals(type) && text(part, "text") != null) {
        texts.add(text(part, "text"));
      } else if ("document".equals(type)) {
        JsonNode data = object(part, "document").get("data");
        if (data != null && data.isTextual()) {
          texts.add(data.textValue());
        } else if (data != null && !data.isNull()) {
          texts.add(LenientJson.write(data));
        }
      }
    }
    return String.join("\n", texts);
  }
}
