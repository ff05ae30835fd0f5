package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;

/**
 * Takes blocked tool calls out of a non-streamed OpenAI chat completion ({@code chat.completion}).
 * In every choice, each call in {@code message.tool_calls} (and the legacy
 * {@code message.function_call}) is judged; a blocked one is removed and its message is added to
 * {@code message.content} (after the text already there, with a blank line between). When no call
 * is left in a choice, {@code tool_calls} is removed altogether (clients read an empty array as a
 * tool answer with nothing to run) and a {@code finish_reason} of {@code tool_calls} or
 * {@code function_call} becomes {@code stop}, what a text answer has. An answer that is not a
 * chat completion is returned as it came.
 */
public final class OpenAiChatAnswerRewriter {

  private static final String TOOL_CALLS = "tool_calls";
  private static final String FUNCTION_CALL = "function_call";

  public Rewritten rewrite(Buffer body, ToolCallJudge judge) {
    return rewrite(body, AnswerJson.object(body), judge);
  }

  /**
   * The same, with the body already parsed ({@code root}: null when it is not a JSON object), as the
   * sensitive-data scan's single pass reads it; the tree is changed in place.
   */
  public Rewritten rewrite(Buffer body, ObjectNode root, ToolCallJudge judge) {
    if (root == null || !root.path("choices").isArray()) {
      return new Rewritten(body, 0);
    }
    int blocked = 0;
    for (JsonNode choice : root.get("choices")) {
      if (choice.path("message") instanceof ObjectNode message) {
        blocked += rewriteChoice((ObjectNode) choice, message, judge);
      }
    }
    return blocked == 0 ? new Rewritten(body, 0) : new Rewritten(AnswerJson.encodeBuffer(root), blocked);
  }

  private static int rewriteChoice(ObjectNode choice, ObjectNode message, ToolCallJudge judge) {
    int blocked = 0;
    int kept = 0;
    if (message.get(TOOL_CALLS) instanceof ArrayNode calls) {
      ArrayNode keptCalls = calls.arrayNode();
      for (JsonNode call : calls) {
        Blocked verdict = judge.judge(nameOf(call), argumentsOf(call));
        if (verdict == null) {
          keptCalls.add(call);
        } else {
          blocked++;
          appendText(message, verdict.message());
        }
      }
      kept = keptCalls.size();
      if (kept != calls.size()) {
        if (kept == 0) {
          message.remove(TOOL_CALLS);
        } else {
          message.set(TOOL_CALLS, keptCalls);
        }
      }
    }
    JsonNode legacy = message.get(FUNCTION_CALL);
    if (legacy != null && !legacy.isNull()) {
      Blocked verdict = judge.judge(nameOf(legacy), JudgedArguments.whole(AnswerJson.text(legacy, "arguments")));
      if (verdict == null) {
        kept++;
      } else {
        blocked++;
        message.remove(FUNCTION_CALL);
        appendText(message, verdict.message());
      }
    }
    String finish = AnswerJson.text(choice, "finish_reason");
    if (blocked > 0 && kept == 0 && (TOOL_CALLS.equals(finish) || FUNCTION_CALL.equals(finish))) {
      choice.put("finish_reason", "stop");
    }
    return blocked;
  }

  private static String nameOf(JsonNode call) {
    // A legacy function_call has its name at the top; a tool call under function or custom.
    String name = call.isObject() && call.has("name") ? AnswerJson.text(call, "name") : OpenAiToolCallFields.name(call);
    return name == null ? "" : name;
  }

  private static String argumentsOf(JsonNode call) {
    return OpenAiToolCallFields.forJudge(OpenAiToolCallFields.isCustom(call), OpenAiToolCallFields.arguments(call), true);
  }

  /** Adds a text after the message's content: a string gets a blank line between, a list of parts a text part. */
  private static void appendText(ObjectNode message, String text) {
    JsonNode content = message.get("content");
    if (content instanceof ArrayNode parts) {
      parts.addObject().put("type", "text").put("text", text);
    } else if (content != null && content.isTextual() && !content.textValue().isEmpty()) {
      message.put("content", content.textValue() + "\n\n" + text);
    } else {
      message.put("content", text);
    }
  }
}
