package dev.portcullis.policy.answer;

import dev.portcullis.policy.tools.ToolCallJudge;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A judge that blocks the tools it is given and remembers every call it was asked about. Its
 * message names the rule but not the tool, so a test can check that nothing of a blocked call
 * reaches the client.
 */
final class RecordingJudge implements ToolCallJudge {

  static final String RULE = "toolInvocation[0]";
  static final String MESSAGE = "Portcullis blocked a tool call: rule " + RULE + " forbids it.";

  record Judged(String name, String argumentsJson) {}

  private final Set<String> blockedNames;
  final List<Judged> judged = new ArrayList<>();

  private RecordingJudge(Set<String> blockedNames) {
    this.blockedNames = blockedNames;
  }

  static RecordingJudge blocking(String... names) {
    return new RecordingJudge(Set.of(names));
  }

  @Override
  public Blocked judge(String name, String argumentsJson) {
    judged.add(new Judged(name, argumentsJson));
    return blockedNames.contains(name) ? new Blocked(RULE, MESSAGE) : null;
  }
}
