package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;

/**
 * One tool call of a streamed chat completion choice, as its deltas arrive: the name and arguments
 * gathered so far (fragments are joined, as the SDKs' accumulators join them), how many bytes of
 * held chunks it accounts for, and, once judged, whether it goes to the client and under which
 * index.
 */
final class OpenAiChatHeldCall {

  /** The key of a legacy {@code function_call}, which has no index and comes before any tool call. */
  static final int LEGACY = Integer.MIN_VALUE;

  private final int key;
  private final StringBuilder name = new StringBuilder();
  private final StringBuilder arguments = new StringBuilder();
  private boolean custom;
  private long heldBytes;
  private boolean decided;
  private Blocked verdict;
  private int clientIndex;
  private boolean replaced;

  OpenAiChatHeldCall(int key) {
    this.key = key;
  }

  int key() {
    return key;
  }

  /** Takes in one delta of this call: a {@code tool_calls[]} element, or a legacy {@code function_call}. */
  void absorb(JsonNode delta) {
    String nameFragment = key == LEGACY ? AnswerJson.text(delta, "name") : OpenAiToolCallFields.name(delta);
    String argumentsFragment = key == LEGACY ? AnswerJson.text(delta, "arguments") : OpenAiToolCallFields.arguments(delta);
    if (nameFragment != null) {
      name.append(nameFragment);
    }
    if (argumentsFragment != null) {
      arguments.append(argumentsFragment);
    }
    custom |= key != LEGACY && OpenAiToolCallFields.isCustom(delta);
  }

  /** Counts bytes of a held chunk against this call; returns the total so far. */
  long hold(int bytes) {
    heldBytes += bytes;
    return heldBytes;
  }

  String name() {
    return name.toString();
  }

  /** @param whole whether the call is known to be complete (else it was cut short and judged on what arrived) */
  String argumentsForJudge(boolean whole) {
    return OpenAiToolCallFields.forJudge(custom, arguments.toString(), whole);
  }

  void allow(int clientIndex) {
    decided = true;
    this.clientIndex = clientIndex;
  }

  void block(Blocked verdict) {
    decided = true;
    this.verdict = verdict;
  }

  boolean decided() {
    return decided;
  }

  boolean blocked() {
    return verdict != null;
  }

  Blocked verdict() {
    return verdict;
  }

  int clientIndex() {
    return clientIndex;
  }

  /** Whether the client sees this allowed call under another index than the upstream gave it. */
  boolean renumbered() {
    return decided && verdict == null && key != LEGACY && clientIndex != key;
  }

  /**
   * Marks the call's replacement text as sent; true the first time only, so a blocked call whose
   * deltas span several chunks is replaced once.
   */
  boolean markReplaced() {
    boolean first = !replaced;
    replaced = true;
    return first;
  }
}
