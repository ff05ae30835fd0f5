package dev.portcullis.policy.conversation;

import static dev.portcullis.policy.conversation.LenientJson.array;
import static dev.portcullis.policy.conversation.LenientJson.object;
import static dev.portcullis.policy.conversation.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI {@code /v1/chat/completions} (and every OpenAI-compatible provider's): {@code messages}
 * with roles {@code system}, {@code developer}, {@code user}, {@code assistant}, {@code tool} and
 * the legacy {@code function}; {@code tools} and the legacy {@code functions}; the answer's
 * {@code choices[].message}.
 */
final class OpenAiChatReader implements FamilyReader {

  @Override
  public void readRequest(JsonNode body, ConversationCollector out) {
    for (JsonNode tool : array(body, "tools")) {
      String type = text(tool, "type");
      out.toolOffered("custom".equals(type) ? text(object(tool, "custom"), "name") : text(object(tool, "function"), "name"));
    }
    for (JsonNode function : array(body, "functions")) {
      out.toolOffered(text(function, "name"));
    }
    for (JsonNode message : array(body, "messages")) {
      readMessage(message, out);
    }
  }

  /**
   * Every choice is read, not only the first: a client that asks for several ({@code n}) sees the
   * tool calls of each.
   */
  @Override
  public void readAnswer(JsonNode body, ConversationCollector out) {
    for (JsonNode choice : array(body, "choices")) {
      JsonNode message = object(choice, "message");
      String role = text(message, "role");
      readTurn(role == null ? "assistant" : role, message, out);
    }
  }

  private static void readMessage(JsonNode message, ConversationCollector out) {
    String role = text(message, "role");
    if ("tool".equals(role)) {
      out.toolResult(text(message, "tool_call_id"), null, contentText(message.get("content")));
    } else if ("function".equals(role)) {
      // The legacy function result names its function and has no call id.
      out.toolResult(null, text(message, "name"), contentText(message.get("content")));
    } else {
      readTurn(role, message, out);
    }
  }

  /** The text, refusal and tool calls of a system, developer, user or assistant message. */
  private static void readTurn(String role, JsonNode message, ConversationCollector out) {
    JsonNode content = message.get("content");
    if (content != null && content.isTextual()) {
      out.text(role, content.textValue());
    }
    for (JsonNode part : LenientJson.elements(content)) {
      String type = text(part, "type");
      if ("text".equals(type)) {
        out.text(role, text(part, "text"));
      } else if ("refusal".equals(type)) {
        out.text(role, text(part, "refusal"));
      }
    }
    out.text(role, text(message, "refusal"));
    FunctionToolCalls.read(message, out);
    JsonNode legacyCall = object(message, "function_call");
    if (!legacyCall.isMissingNode()) {
      out.toolCall(null, text(legacyCall, "name"), LenientJson.arguments(legacyCall.get("arguments")));
    }
  }

  /** A tool message's content: a string, or its text parts joined. */
  private static String contentText(JsonNode content) {
    if (content != null && content.isTextual()) {
      return content.textValue();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode part : LenientJson.elements(content)) {
      String text = text(part, "text");
      if ("text".equals(text(part, "type")) && text != null) {
        texts.add(text);
      }
    }
    return String.join("\n", texts);
  }
}
