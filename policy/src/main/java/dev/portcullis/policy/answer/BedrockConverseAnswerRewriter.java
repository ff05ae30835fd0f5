package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;

/**
 * Takes blocked tool calls out of a whole Bedrock Converse answer ({@code POST …/converse}): each
 * blocked {@code {"toolUse":…}} block of {@code output.message.content} is replaced, in place, by a
 * {@code {"text":…}} block saying Portcullis blocked it and naming the rule. When no
 * {@code toolUse} is left, {@code stopReason} {@code tool_use} becomes {@code end_turn}, a text
 * answer's.
 *
 * <p>A body that is not a JSON object is returned unchanged; a {@code toolUse} whose fields are not
 * as documented is still judged, with the name it has (or {@code ""}) and {@code "{}"}.
 */
public final class BedrockConverseAnswerRewriter {

  public Rewritten rewrite(Buffer body, ToolCallJudge judge) {
    return rewrite(body, judge == ToolCallJudge.ALLOW_ALL ? null : ResponsesCohereBedrockJson.object(body), judge);
  }

  /**
   * The same, with the body already parsed ({@code answer}: null when it is not a JSON object), as the
   * sensitive-data scan's single pass reads it; the tree is changed in place.
   */
  public Rewritten rewrite(Buffer body, ObjectNode answer, ToolCallJudge judge) {
    if (judge == ToolCallJudge.ALLOW_ALL) {
      return new Rewritten(body, 0);
    }
    if (answer == null || !(answer.path("output").path("message").get("content") instanceof ArrayNode content)) {
      return new Rewritten(body, 0);
    }
    int blocked = 0;
    int kept = 0;
    for (int i = 0; i < content.size(); i++) {
      JsonNode toolUse = content.get(i).get("toolUse");
      if (toolUse == null) {
        continue;
      }
      Blocked verdict = judge(judge, toolUse);
      if (verdict == null) {
        kept++;
      } else {
        content.set(i, textBlock(content, ResponsesCohereBedrockCalls.text(verdict)));
        blocked++;
      }
    }
    if (blocked == 0) {
      return new Rewritten(body, 0);
    }
    if (kept == 0 && "tool_use".equals(ResponsesCohereBedrockJson.text(answer, "stopReason"))) {
      answer.put("stopReason", "end_turn");
    }
    return new Rewritten(Buffer.buffer(ResponsesCohereBedrockJson.encode(answer)), blocked);
  }

  /** Judges a {@code toolUse} block on its name and its {@code input} document. */
  private static Blocked judge(ToolCallJudge judge, JsonNode toolUse) {
    JsonNode input = toolUse.get("input");
    String argumentsJson = input != null && input.isObject() ? ResponsesCohereBedrockJson.encode(input) : "{}";
    return ResponsesCohereBedrockCalls.judge(judge, ResponsesCohereBedrockJson.text(toolUse, "name"), argumentsJson);
  }

  private static ObjectNode textBlock(ArrayNode content, String text) {
    return content.objectNode().put("text", text);
  }
}
