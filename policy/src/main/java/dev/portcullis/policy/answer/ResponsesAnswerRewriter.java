package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;

/**
 * Takes blocked tool calls out of a whole OpenAI Responses answer ({@code POST /v1/responses}
 * without streaming): each blocked {@code function_call} (or {@code custom_tool_call}) output item is replaced, at the same
 * index, by an assistant {@code message} item whose text says Portcullis blocked it and names the
 * rule. Calls that may pass stay as they are; the response's {@code status} is already a text
 * answer's ({@code completed}), so it is left alone. When the body carries the SDK convenience
 * {@code output_text}, it is recomputed from the message items.
 *
 * <p>A body that is not a JSON object is returned unchanged; a {@code function_call} item whose
 * fields are not as documented is still judged, with the name it has (or {@code ""}) and
 * {@code "{}"}.
 */
public final class ResponsesAnswerRewriter {

  /** Decides one {@code function_call} item: the message to put in its place, or null to keep it. */
  @FunctionalInterface
  interface ItemDecision {
    ResponsesBlockedMessage replacement(int outputIndex, ObjectNode functionCall);
  }

  public Rewritten rewrite(Buffer body, ToolCallJudge judge) {
    return rewrite(body, judge == ToolCallJudge.ALLOW_ALL ? null : ResponsesCohereBedrockJson.object(body), judge);
  }

  /**
   * The same, with the body already parsed ({@code response}: null when it is not a JSON object), as the
   * sensitive-data scan's single pass reads it; the tree is changed in place.
   */
  public Rewritten rewrite(Buffer body, ObjectNode response, ToolCallJudge judge) {
    if (judge == ToolCallJudge.ALLOW_ALL) {
      return new Rewritten(body, 0);
    }
    if (response == null) {
      return new Rewritten(body, 0);
    }
    String responseId = ResponsesCohereBedrockJson.text(response, "id");
    int blocked = rewriteOutput(response, (index, call) -> {
      Blocked verdict = judge(judge, call);
      return verdict == null ? null : ResponsesBlockedMessage.of(responseId, index,
          ResponsesCohereBedrockJson.text(call, "id"), ResponsesCohereBedrockCalls.text(verdict));
    });
    if (blocked == 0) {
      return new Rewritten(body, 0);
    }
    return new Rewritten(Buffer.buffer(ResponsesCohereBedrockJson.encode(response)), blocked);
  }

  /**
   * Judges a {@code function_call} item on its name and its arguments string, a
   * {@code custom_tool_call} item on its name and its free-text input (as {@code {"input": "..."}}).
   */
  static Blocked judge(ToolCallJudge judge, ObjectNode call) {
    if ("custom_tool_call".equals(ResponsesCohereBedrockJson.text(call, "type"))) {
      return ResponsesCohereBedrockCalls.judge(judge, ResponsesCohereBedrockJson.text(call, "name"),
          OpenAiToolCallFields.forJudge(true, ResponsesCohereBedrockJson.text(call, "input"), true));
    }
    JsonNode arguments = call.get("arguments");
    String argumentsJson = arguments == null ? "{}"
        : arguments.isTextual() ? arguments.asText()
        : arguments.isObject() ? ResponsesCohereBedrockJson.encode(arguments)
        : "{}";
    return ResponsesCohereBedrockCalls.judge(judge, ResponsesCohereBedrockJson.text(call, "name"), argumentsJson);
  }

  /**
   * Replaces the {@code function_call} items of {@code response.output} that {@code decision}
   * blocks, and recomputes {@code output_text} when the response has it.
   *
   * @return how many items were replaced
   */
  static int rewriteOutput(ObjectNode response, ItemDecision decision) {
    if (!(response.get("output") instanceof ArrayNode output)) {
      return 0;
    }
    int replaced = 0;
    for (int i = 0; i < output.size(); i++) {
      if (output.get(i) instanceof ObjectNode item && isToolCall(item)) {
        ResponsesBlockedMessage message = decision.replacement(i, item);
        if (message != null) {
          output.set(i, message.completedItem());
          replaced++;
        }
      }
    }
    if (replaced > 0 && response.has("output_text")) {
      response.put("output_text", outputText(output));
    }
    return replaced;
  }

  /** Whether an output item is a call of one of the client's tools: a function or a custom tool. */
  static boolean isToolCall(JsonNode item) {
    String type = ResponsesCohereBedrockJson.text(item, "type");
    return "function_call".equals(type) || "custom_tool_call".equals(type);
  }

  /** What the SDKs' {@code output_text} holds: the text of every output_text part, in order. */
  private static String outputText(ArrayNode output) {
    StringBuilder text = new StringBuilder();
    for (JsonNode item : output) {
      if ("message".equals(ResponsesCohereBedrockJson.text(item, "type"))) {
        for (JsonNode part : item.path("content")) {
          if ("output_text".equals(ResponsesCohereBedrockJson.text(part, "type"))) {
            text.append(part.path("text").asText(""));
          }
        }
      }
    }
    return text.toString();
  }
}
