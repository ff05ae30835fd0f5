package dev.portcullis.policy.conversation;

import static dev.portcullis.policy.conversation.LenientJson.array;
import static dev.portcullis.policy.conversation.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Anthropic {@code /v1/messages}: the top-level {@code system}, {@code messages} whose content is
 * a string or blocks ({@code text}, {@code tool_use}, {@code tool_result}), {@code tools}, and
 * the answer's {@code content} blocks.
 */
final class AnthropicMessagesReader implements FamilyReader {

  @Override
  public void readRequest(JsonNode body, ConversationCollector out) {
    // Server tools (web search, code execution) carry a name too.
    for (JsonNode tool : array(body, "tools")) {
      out.toolOffered(text(tool, "name"));
    }
    // The MCP connector: the API calls these servers' tools itself.
    for (JsonNode server : array(body, "mcp_servers")) {
      out.remoteToolServer(text(server, "name"));
    }
    readContent("system", body.get("system"), out);
    for (JsonNode message : array(body, "messages")) {
      readContent(text(message, "role"), message.get("content"), out);
    }
  }

  @Override
  public void readAnswer(JsonNode body, ConversationCollector out) {
    String role = text(body, "role");
    readContent(role == null ? "assistant" : role, body.get("content"), out);
  }

  /** A string, or blocks; thinking, media and server-tool blocks hold nothing this view keeps. */
  private static void readContent(String role, JsonNode content, ConversationCollector out) {
    if (content != null && content.isTextual()) {
      out.text(role, content.textValue());
    }
    for (JsonNode block : LenientJson.elements(content)) {
      String type = text(block, "type");
      if ("text".equals(type)) {
        out.text(role, text(block, "text"));
      } else if ("tool_use".equals(type)) {
        out.toolCall(text(block, "id"), text(block, "name"), LenientJson.arguments(block.get("input")));
      } else if ("tool_result".equals(type)) {
        out.toolResult(text(block, "tool_use_id"), null, resultText(block.get("content")));
      }
    }
  }

  /** A tool_result's content: a string, or its text blocks joined (images and documents left out). */
  private static String resultText(JsonNode content) {
    if (content != null && content.isTextual()) {
      return content.textValue();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode block : LenientJson.elements(content)) {
      String text = text(block, "text");
      if ("text".equals(text(block, "type")) && text != null) {
        texts.add(text);
      }
    }
    return String.join("\n", texts);
  }
}
