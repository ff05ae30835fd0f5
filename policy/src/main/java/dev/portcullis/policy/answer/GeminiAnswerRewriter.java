package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;

/**
 * Takes blocked tool calls out of a Gemini {@code GenerateContentResponse}: in every candidate, a
 * part holding a {@code functionCall} is judged on its {@code name} and {@code args}, and a blocked
 * one is replaced, where it stood, by a {@code {"text": ...}} part holding the judge's message (its
 * {@code thoughtSignature} goes with it: it signs the call, not the text). Gemini ends a turn with
 * function calls with {@code finishReason} {@code STOP}, the same as a text answer, so that is kept.
 * The same rewrite serves each chunk of a streamed answer, since every chunk has this shape.
 */
public final class GeminiAnswerRewriter {

  public Rewritten rewrite(Buffer body, ToolCallJudge judge) {
    return rewrite(body, AnswerJson.object(body), judge);
  }

  /**
   * The same, with the body already parsed ({@code root}: null when it is not a JSON object), as the
   * sensitive-data scan's single pass reads it; the tree is changed in place.
   */
  public Rewritten rewrite(Buffer body, ObjectNode root, ToolCallJudge judge) {
    if (root == null) {
      return new Rewritten(body, 0);
    }
    int blocked = rewriteCalls(root, judge);
    return blocked == 0 ? new Rewritten(body, 0) : new Rewritten(AnswerJson.encodeBuffer(root), blocked);
  }

  /** Replaces the blocked calls in {@code response}, in place; returns how many it replaced. */
  static int rewriteCalls(ObjectNode response, ToolCallJudge judge) {
    if (!response.path("candidates").isArray()) {
      return 0;
    }
    int blocked = 0;
    for (JsonNode candidate : response.get("candidates")) {
      if (!(candidate.path("content").get("parts") instanceof ArrayNode parts)) {
        continue;
      }
      for (int i = 0; i < parts.size(); i++) {
        JsonNode call = parts.get(i).get("functionCall");
        if (call == null || call.isNull()) {
          continue;
        }
        Blocked verdict = judge.judge(nameOf(call), argumentsOf(call));
        if (verdict != null) {
          blocked++;
          ObjectNode text = parts.objectNode();
          text.put("text", verdict.message());
          parts.set(i, text);
        }
      }
    }
    return blocked;
  }

  private static String nameOf(JsonNode call) {
    String name = AnswerJson.text(call, "name");
    return name == null ? "" : name;
  }

  private static String argumentsOf(JsonNode call) {
    JsonNode args = call.get("args");
    return args != null && args.isObject() ? AnswerJson.encode(args) : JudgedArguments.NONE;
  }
}
