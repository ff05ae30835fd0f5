package dev.portcullis.policy.answer;

import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;

/**
 * What the Responses, Cohere and Bedrock gates and rewriters share about judging one tool call:
 * how a call the wire gave only in part is put to the judge, the text that takes a blocked call's
 * place, and how much of one call a stream gate may hold.
 */
final class ResponsesCohereBedrockCalls {

  /**
   * The most bytes of upstream events one call may have held: past this the call is judged on what
   * has arrived, so a model that streams endless arguments cannot make the gateway buffer them.
   */
  static final int HOLD_LIMIT = 1024 * 1024;

  private ResponsesCohereBedrockCalls() {}

  /**
   * Asks {@code judge} about a call, with the name it has ({@code ""} when the wire gave none) and
   * its arguments as sent ({@code "{}"} when there were none).
   */
  static Blocked judge(ToolCallJudge judge, String name, String argumentsJson) {
    return judge.judge(name == null ? "" : name,
        argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson);
  }

  /**
   * The text the client gets in a blocked call's place: the rule's message, which the issue wants
   * to say why, so the rule id is added when the message does not already name it.
   */
  static String text(Blocked blocked) {
    String message = blocked.message() == null ? "" : blocked.message().strip();
    String ruleId = blocked.ruleId() == null ? "" : blocked.ruleId();
    if (message.isEmpty()) {
      return "Portcullis blocked a tool call (rule " + ruleId + ").";
    }
    return ruleId.isEmpty() || message.contains(ruleId) ? message : message + " (rule " + ruleId + ")";
  }
}
