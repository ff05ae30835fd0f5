package dev.portcullis.policy.rules;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.policy.document.Excerpt;
import dev.portcullis.policy.document.ToolRule;
import dev.portcullis.policy.tools.ToolCallJudge;
import java.util.List;

/**
 * The tool-invocation rules that take part in one kind of context, judged in order: the first
 * rule that matches decides, and a call no rule matches is allowed (see
 * {@link dev.portcullis.policy.document.PolicyDocument}). Immutable; quick enough for an event
 * loop: arguments are read once per call, and only when a rule's tool glob matched and it has an
 * argument condition.
 */
final class ToolRuleJudge implements ToolCallJudge {

  /** A rule with the id blocks and logs name it by. */
  record Entry(String ruleId, ToolRule rule) {}

  private final List<Entry> rules;

  ToolRuleJudge(List<Entry> rules) {
    this.rules = List.copyOf(rules);
  }

  @Override
  public Blocked judge(String name, String argumentsJson) {
    ToolArguments arguments = new ToolArguments(argumentsJson);
    for (Entry entry : rules) {
      ToolRule rule = entry.rule();
      if (rule.tool().matches(name) && argumentHolds(rule, arguments)) {
        return rule.action().blocks() ? new Blocked(entry.ruleId(), message(name, entry)) : null;
      }
    }
    return null;
  }

  /**
   * Whether the rule's argument condition holds. Arguments that cannot be read or evaluated fail
   * closed: a blocking rule's condition holds, an allowing rule's does not.
   */
  private static boolean argumentHolds(ToolRule rule, ToolArguments arguments) {
    if (rule.argument() == null) {
      return true;
    }
    JsonNode root = arguments.root();
    if (root == null) {
      return rule.action().blocks();
    }
    try {
      return rule.argument().holds(root);
    } catch (RuntimeException unevaluable) {
      return rule.action().blocks();
    }
  }

  /** Names the tool and the rule; never an argument value, which may be the very data being kept in. */
  static String message(String toolName, Entry entry) {
    return "Portcullis blocked a call to the tool '" + Excerpt.of(toolName) + "' (rule " + entry.ruleId() + ": "
        + entry.rule().action().word() + ").";
  }
}
