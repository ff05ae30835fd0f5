package dev.portcullis.policy.conversation;

import static dev.portcullis.policy.conversation.LenientJson.array;
import static dev.portcullis.policy.conversation.LenientJson.object;
import static dev.portcullis.policy.conversation.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Bedrock {@code converse}: {@code system} blocks, {@code messages[].content[]} blocks (each one
 * key: {@code text}, {@code toolUse}, {@code toolResult}, {@code guardContent}, media, ...),
 * {@code toolConfig.tools[].toolSpec}, and the answer's {@code output.message}.
 */
final class BedrockConverseReader implements FamilyReader {

  @Override
  public void readRequest(JsonNode body, ConversationCollector out) {
    for (JsonNode tool : array(object(body, "toolConfig"), "tools")) {
      out.toolOffered(text(object(tool, "toolSpec"), "name"));
    }
    for (JsonNode block : array(body, "system")) {
      readText("system", block, out);
    }
    for (JsonNode message : array(body, "messages")) {
      readContent(text(message, "role"), message, out);
    }
  }

  /** Some guardrail paths answer without {@code output}: that is an empty view. */
  @Override
  public void readAnswer(JsonNode body, ConversationCollector out) {
    JsonNode message = object(object(body, "output"), "message");
    String role = text(message, "role");
    readContent(role == null ? "assistant" : role, message, out);
  }

  private static void readContent(String role, JsonNode message, ConversationCollector out) {
    for (JsonNode block : array(message, "content")) {
      JsonNode toolUse = object(block, "toolUse");
      JsonNode toolResult = object(block, "toolResult");
      if (!toolUse.isMissingNode()) {
        out.toolCall(text(toolUse, "toolUseId"), text(toolUse, "name"), LenientJson.arguments(toolUse.get("input")));
      } else if (!toolResult.isMissingNode()) {
        out.toolResult(text(toolResult, "toolUseId"), null, resultText(toolResult));
      } else {
        readText(role, block, out);
      }
    }
  }

  /**
   * A text block, or a guardContent block's text: guarded text is text the model reads as well,
   * and must not slip past the view because it is wrapped.
   */
  private static void readText(String role, JsonNode block, ConversationCollector out) {
    out.text(role, text(block, "text"));
    out.text(role, text(object(object(block, "guardContent"), "text"), "text"));
  }

  /** A toolResult's content blocks joined: text as it is, json as its JSON text, media left out. */
  private static String resultText(JsonNode toolResult) {
    List<String> texts = new ArrayList<>();
    for (JsonNode block : array(toolResult, "content")) {
      JsonNode json = block.get("json");
      if (text(block, "text") != null) {
        texts.add(text(block, "text"));
      } else if (json != null && !json.isNull()) {
        texts.add(LenientJson.write(json));
      }
    }
    return String.join("\n", texts);
  }
}
