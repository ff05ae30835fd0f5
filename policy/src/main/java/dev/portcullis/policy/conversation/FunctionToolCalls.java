package dev.portcullis.policy.conversation;

import static dev.portcullis.policy.conversation.LenientJson.array;
import static dev.portcullis.policy.conversation.LenientJson.object;
import static dev.portcullis.policy.conversation.LenientJson.text;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The {@code tool_calls} list that OpenAI chat and Cohere v2 share:
 * {@code [{id, type:"function", function:{name, arguments:"<JSON string>"}}]}.
 */
final class FunctionToolCalls {

  private FunctionToolCalls() {}

  /** Collects the function calls of a message's {@code tool_calls}, arguments as sent. */
  static void read(JsonNode message, ConversationCollector out) {
    for (JsonNode call : array(message, "tool_calls")) {
      String type = text(call, "type");
      if ("custom".equals(type)) {
        // OpenAI's custom tool calls carry free text, given to rules as {"input": "..."}.
        JsonNode custom = object(call, "custom");
        out.toolCall(text(call, "id"), text(custom, "name"), LenientJson.customInput(custom.get("input")));
        continue;
      }
      // A call without a type is read as a function, as lenient providers accept it.
      if (type != null && !"function".equals(type)) {
        continue;
      }
      JsonNode function = object(call, "function");
      out.toolCall(text(call, "id"), text(function, "name"), LenientJson.arguments(function.get("arguments")));
    }
  }
}
