package dev.portcullis.policy.document;

/**
 * A tool-invocation rule: a call to a tool whose name matches {@code tool} (and, when
 * {@code argument} is given, whose arguments meet it) is allowed or blocked as {@code action}
 * says. How rules are evaluated together is told in {@link PolicyDocument}.
 *
 * @param id the label the document gives the rule, or null (its id is then its position)
 * @param tool the tool name or glob
 * @param argument the condition on the arguments, or null for every call of the tool
 * @param action what a matching call gets
 */
public record ToolRule(String id, ToolGlob tool, ArgumentCheck argument, ToolAction action) {

  public ToolRule {
    if (tool == null || action == null) {
      throw new IllegalArgumentException("a tool rule needs a tool and an action");
    }
  }

  public static ToolRule of(String tool, ToolAction action) {
    return new ToolRule(null, ToolGlob.of(tool), null, action);
  }
}
