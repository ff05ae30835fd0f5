package dev.portcullis.policy.tools;

/**
 * Decides, for one complete tool call the model asked for, whether the client may see it. Called
 * on an event loop: it must be quick and must not block.
 */
@FunctionalInterface
public interface ToolCallJudge {

  /** Lets every call through: what a proxy without a blocking rule gets (and then nothing is held). */
  ToolCallJudge ALLOW_ALL = (name, argumentsJson) -> null;

  /**
   * @param name the tool's name
   * @param argumentsJson the arguments as a JSON object's text ({@code "{}"} when none)
   * @return null when the call may pass, or why it is blocked
   */
  Blocked judge(String name, String argumentsJson);

  /**
   * Why a tool call was blocked.
   *
   * @param ruleId the id of the rule that blocked it (for example {@code toolInvocation[0]})
   * @param message the text the client gets in its place, naming the tool and the rule
   */
  record Blocked(String ruleId, String message) {}
}
