package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code tool_use} content block of a streamed Anthropic message while it arrives: its events
 * as they came, the tool's name and the input gathered from its {@code input_json_delta}s, and,
 * once judged, the verdict.
 */
final class AnthropicHeldBlock {

  private final int index;
  private final String name;
  /** The input the start event gave; servers that do not stream input put all of it here. */
  private final JsonNode startInput;
  private final StringBuilder partialJson = new StringBuilder();
  private final List<Buffer> events = new ArrayList<>();
  private long heldBytes;
  private boolean decided;
  private Blocked verdict;

  AnthropicHeldBlock(int index, JsonNode contentBlock) {
    this.index = index;
    this.name = AnthropicAnswerRewriter.nameOf(contentBlock);
    this.startInput = contentBlock.get("input");
  }

  int index() {
    return index;
  }

  String name() {
    return name;
  }

  /** Holds one event of this block; returns how many bytes are held for it so far. */
  long hold(Buffer event) {
    events.add(event);
    heldBytes += event.length();
    return heldBytes;
  }

  void absorb(JsonNode delta) {
    String fragment = AnswerJson.text(delta, "partial_json");
    if (fragment != null) {
      partialJson.append(fragment);
    }
  }

  /** @param whole whether the block was closed (else it was cut short and is judged on what arrived) */
  String argumentsForJudge(boolean whole) {
    if (partialJson.toString().isBlank()) {
      return AnthropicAnswerRewriter.argumentsOf(startInput);
    }
    return whole ? JudgedArguments.whole(partialJson.toString()) : JudgedArguments.partial(partialJson.toString());
  }

  /** The held events, handed over once: the block is judged, and later events are not held. */
  List<Buffer> release() {
    List<Buffer> held = new ArrayList<>(events);
    events.clear();
    return held;
  }

  void decide(Blocked verdict) {
    decided = true;
    this.verdict = verdict;
    events.clear();
  }

  void allow() {
    decided = true;
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
}
