package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;

/**
 * Takes blocked tool calls out of a non-streamed Anthropic Messages answer: each {@code tool_use}
 * block of {@code content} is judged on its {@code name} and {@code input}, and a blocked one is
 * replaced, where it stood, by a text block holding the judge's message. When no {@code tool_use}
 * block is left, a {@code stop_reason} of {@code tool_use} becomes {@code end_turn}, what a text
 * answer has. Server tools ({@code server_tool_use}) run at Anthropic, not at the client, and are
 * left alone. An answer that is not a message is returned as it came.
 */
public final class AnthropicAnswerRewriter {

  static final String TOOL_USE = "tool_use";

  public Rewritten rewrite(Buffer body, ToolCallJudge judge) {
    return rewrite(body, AnswerJson.object(body), judge);
  }

  /**
   * The same, with the body already parsed ({@code root}: null when it is not a JSON object), as the
   * sensitive-data scan's single pass reads it; the tree is changed in place.
   */
  public Rewritten rewrite(Buffer body, ObjectNode root, ToolCallJudge judge) {
    if (root == null || !(root.get("content") instanceof ArrayNode content)) {
      return new Rewritten(body, 0);
    }
    int blocked = 0;
    int kept = 0;
    for (int i = 0; i < content.size(); i++) {
      JsonNode block = content.get(i);
      if (!TOOL_USE.equals(AnswerJson.text(block, "type"))) {
        continue;
      }
      Blocked verdict = judge.judge(nameOf(block), argumentsOf(block.get("input")));
      if (verdict == null) {
        kept++;
      } else {
        blocked++;
        content.set(i, textBlock(verdict.message()));
      }
    }
    if (blocked == 0) {
      return new Rewritten(body, 0);
    }
    if (kept == 0 && TOOL_USE.equals(AnswerJson.text(root, "stop_reason"))) {
      root.put("stop_reason", "end_turn");
    }
    return new Rewritten(AnswerJson.encodeBuffer(root), blocked);
  }

  static String nameOf(JsonNode block) {
    String name = AnswerJson.text(block, "name");
    return name == null ? "" : name;
  }

  /** The input object's text; anything that is not an object gives {@code {}}. */
  static String argumentsOf(JsonNode input) {
    return input != null && input.isObject() ? AnswerJson.encode(input) : JudgedArguments.NONE;
  }

  /**
   * A text block as the Messages API writes one; {@code citations} is there (null) as in the API's
   * own answers, so strict readers that expect the field find it.
   */
  static ObjectNode textBlock(String text) {
    ObjectNode block = AnswerJson.newObject();
    block.put("type", "text");
    block.put("text", text);
    block.putNull("citations");
    return block;
  }
}
