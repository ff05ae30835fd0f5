package dev.portcullis.policy.conversation;

import static dev.portcullis.policy.conversation.LenientJson.array;
import static dev.portcullis.policy.conversation.LenientJson.either;
import static dev.portcullis.policy.conversation.LenientJson.elements;
import static dev.portcullis.policy.conversation.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Gemini {@code generateContent}: {@code systemInstruction}, {@code contents[].parts[]}
 * ({@code text}, {@code functionCall}, {@code functionResponse}),
 * {@code tools[].functionDeclarations}, and the answer's {@code candidates[].content}. The REST
 * surface is proto-JSON, which takes snake_case spellings as well ({@code system_instruction},
 * {@code function_call}, ...), so both are read: a client could otherwise hide its tools or
 * instructions from the view by spelling them the other way.
 */
final class GeminiReader implements FamilyReader {

  /** A content without a role is a user turn (single-turn requests often leave it out). */
  private static final String DEFAULT_ROLE = "user";

  @Override
  public void readRequest(JsonNode body, ConversationCollector out) {
    for (JsonNode tool : array(body, "tools")) {
      for (JsonNode declaration : elements(either(tool, "functionDeclarations", "function_declarations"))) {
        out.toolOffered(text(declaration, "name"));
      }
    }
    JsonNode system = either(body, "systemInstruction", "system_instruction");
    if (system != null && system.isTextual()) {
      out.text("system", system.textValue());
    } else if (system != null) {
      readParts("system", system, out);
    }
    for (JsonNode content : array(body, "contents")) {
      String role = text(content, "role");
      readParts(role == null ? DEFAULT_ROLE : role, content, out);
    }
  }

  /** Every candidate is read: a client that asks for several ({@code candidateCount}) sees each. */
  @Override
  public void readAnswer(JsonNode body, ConversationCollector out) {
    for (JsonNode candidate : array(body, "candidates")) {
      JsonNode content = candidate.get("content");
      String role = text(content, "role");
      readParts(role == null ? "model" : role, content, out);
    }
  }

  private static void readParts(String role, JsonNode content, ConversationCollector out) {
    for (JsonNode part : array(content, "parts")) {
      JsonNode call = either(part, "functionCall", "function_call");
      JsonNode response = either(part, "functionResponse", "function_response");
      if (call != null && call.isObject()) {
        out.toolCall(text(call, "id"), text(call, "name"), LenientJson.arguments(call.get("args")));
      } else if (response != null && response.isObject()) {
        // The response names its function; its id (newer APIs) is kept when sent.
        out.toolResult(text(response, "id"), text(response, "name"), responseText(response.get("response")));
      } else if (!part.path("thought").asBoolean(false)) {
        // Thought parts are the model's reasoning summary, not what it says.
        out.text(role, text(part, "text"));
      }
    }
  }

  private static String responseText(JsonNode response) {
    if (response == null || response.isNull()) {
      return "";
    }
    return response.isTextual() ? response.textValue() : LenientJson.write(response);
  }
}
