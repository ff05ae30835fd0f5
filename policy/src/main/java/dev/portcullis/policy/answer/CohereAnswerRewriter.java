package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes blocked tool calls out of a whole Cohere v2 chat answer ({@code POST /v2/chat} without
 * streaming): each blocked call leaves {@code message.tool_calls} (the field goes when none is
 * left), and a {@code {"type":"text","text":…}} part saying Portcullis blocked it and naming the
 * rule is appended to {@code message.content} (created when absent). {@code tool_plan} stays: it
 * is the model's own text. When no call is left, {@code finish_reason} {@code TOOL_CALL} becomes
 * {@code COMPLETE}, a text answer's.
 *
 * <p>A body that is not a JSON object is returned unchanged; a call whose fields are not as
 * documented is still judged, with the name it has (or {@code ""}) and {@code "{}"}.
 */
public final class CohereAnswerRewriter {

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
    if (answer == null || !(answer.get("message") instanceof ObjectNode message)
        || !(message.get("tool_calls") instanceof ArrayNode calls)) {
      return new Rewritten(body, 0);
    }
    ArrayNode kept = calls.arrayNode();
    List<String> texts = new ArrayList<>();
    for (JsonNode call : calls) {
      Blocked verdict = judge(judge, call);
      if (verdict == null) {
        kept.add(call);
      } else {
        texts.add(ResponsesCohereBedrockCalls.text(verdict));
      }
    }
    if (texts.isEmpty()) {
      return new Rewritten(body, 0);
    }
    if (kept.isEmpty()) {
      message.remove("tool_calls");
      if ("TOOL_CALL".equals(ResponsesCohereBedrockJson.text(answer, "finish_reason"))) {
        answer.put("finish_reason", "COMPLETE");
      }
    } else {
      message.set("tool_calls", kept);
    }
    ArrayNode content = content(message);
    for (String text : texts) {
      content.addObject().put("type", "text").put("text", text);
    }
    return new Rewritten(Buffer.buffer(ResponsesCohereBedrockJson.encode(answer)), texts.size());
  }

  /** Judges one {@code {id, type, function:{name, arguments}}} call. */
  static Blocked judge(ToolCallJudge judge, JsonNode call) {
    JsonNode function = call.path("function");
    JsonNode arguments = function.get("arguments");
    String argumentsJson = arguments == null ? "{}"
        : arguments.isTextual() ? arguments.asText()
        : arguments.isObject() ? ResponsesCohereBedrockJson.encode(arguments)
        : "{}";
    return ResponsesCohereBedrockCalls.judge(judge, ResponsesCohereBedrockJson.text(function, "name"), argumentsJson);
  }

  /** The message's content parts, made a list when the answer had none (or a bare string). */
  private static ArrayNode content(ObjectNode message) {
    JsonNode content = message.get("content");
    if (content instanceof ArrayNode parts) {
      return parts;
    }
    ArrayNode parts = message.putArray("content");
    if (content != null && content.isTextual()) {
      parts.addObject().put("type", "text").put("text", content.asText());
    }
    return parts;
  }
}
