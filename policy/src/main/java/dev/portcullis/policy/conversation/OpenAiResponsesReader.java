package dev.portcullis.policy.conversation;

import static dev.portcullis.policy.conversation.LenientJson.array;
import static dev.portcullis.policy.conversation.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * OpenAI {@code /v1/responses}: {@code instructions}, {@code input} (a string or items:
 * messages, {@code function_call}, {@code function_call_output}, and a custom tool's
 * {@code custom_tool_call} and {@code custom_tool_call_output}), flat {@code tools}, and the
 * answer's {@code output} items.
 */
final class OpenAiResponsesReader implements FamilyReader {

  @Override
  public void readRequest(JsonNode body, ConversationCollector out) {
    for (JsonNode tool : array(body, "tools")) {
      String type = text(tool, "type");
      // Client-defined tools have names; built-in ones (web_search, file_search, mcp, ...) are
      // known by their type.
      out.toolOffered("function".equals(type) || "custom".equals(type) ? text(tool, "name") : type);
      if ("mcp".equals(type)) {
        out.remoteToolServer(text(tool, "server_label"));
      }
    }
    out.text("system", text(body, "instructions"));
    JsonNode input = body.get("input");
    if (input != null && input.isTextual()) {
      out.text("user", input.textValue());
    }
    for (JsonNode item : LenientJson.elements(input)) {
      readItem(item, out);
    }
  }

  @Override
  public void readAnswer(JsonNode body, ConversationCollector out) {
    for (JsonNode item : array(body, "output")) {
      readItem(item, out);
    }
  }

  private static void readItem(JsonNode item, ConversationCollector out) {
    String type = text(item, "type");
    if (type == null && item.has("role")) {
      type = "message"; // the short form {role, content} of an input message
    }
    if ("message".equals(type)) {
      readMessage(item, out);
    } else if ("function_call".equals(type)) {
      out.toolCall(text(item, "call_id"), text(item, "name"), LenientJson.arguments(item.get("arguments")));
    } else if ("custom_tool_call".equals(type)) {
      // A custom tool takes free text: given to rules as {"input": "..."}, as in the answer gates.
      out.toolCall(text(item, "call_id"), text(item, "name"), LenientJson.customInput(item.get("input")));
    } else if ("function_call_output".equals(type) || "custom_tool_call_output".equals(type)) {
      out.toolResult(text(item, "call_id"), null, outputText(item.get("output")));
    }
    // reasoning, item references and built-in tool items hold no text or function call of the client's
  }

  private static void readMessage(JsonNode item, ConversationCollector out) {
    String role = text(item, "role");
    JsonNode content = item.get("content");
    if (content != null && content.isTextual()) {
      out.text(role, content.textValue());
    }
    for (JsonNode part : LenientJson.elements(content)) {
      String type = text(part, "type");
      if ("input_text".equals(type) || "output_text".equals(type) || "text".equals(type)) {
        out.text(role, text(part, "text"));
      } else if ("refusal".equals(type)) {
        out.text(role, text(part, "refusal"));
      }
    }
  }

  /** A function_call_output's output: a string, or the text of its content list joined. */
  private static String outputText(JsonNode output) {
    if (output != null && output.isTextual()) {
      return output.textValue();
    }
    List<String> texts = new ArrayList<>();
    for (JsonNode part : LenientJson.elements(output)) {
      String text = text(part, "text");
      if ("input_text".equals(text(part, "type")) && text != null) {
        texts.add(text);
      }
    }
    return String.join("\n", texts);
  }
}
