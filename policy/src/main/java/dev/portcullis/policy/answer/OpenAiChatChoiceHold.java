package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The tool calls of one choice of a streamed chat completion, and the chunks held for them.
 *
 * <p>Chunks are held in arrival order and leave from the front as soon as every call they carry
 * has been judged: an allowed call's chunks as they came (re-written only when the call must be
 * given another index), a blocked call's dropped, its first one replaced by a content chunk with
 * the judge's message. Calls are judged in index order, and allowed calls are numbered 0, 1, 2...
 * in that order, because SDK accumulators index their tool-call list by it and a gap left by a
 * blocked call would break them.
 */
final class OpenAiChatChoiceHold {

  static final String TOOL_CALLS = "tool_calls";
  static final String FUNCTION_CALL = "function_call";

  /** A chunk (of this choice only) held until its calls are judged. */
  private record HeldChunk(Buffer bytes, ObjectNode chunk, String lineEnd, List<Integer> callKeys) {}

  private final int choiceIndex;
  private final ToolCallJudge judge;
  private final long maxHeldBytes;
  private final Runnable onBlocked;
  private final TreeMap<Integer, OpenAiChatHeldCall> calls = new TreeMap<>();
  private final Deque<HeldChunk> held = new ArrayDeque<>();
  private int allowed;
  private int blocked;
  /** Whether the client has been given text in this choice: a replacement text then starts after a blank line. */
  private boolean textSent;

  OpenAiChatChoiceHold(int choiceIndex, ToolCallJudge judge, long maxHeldBytes, Runnable onBlocked) {
    this.choiceIndex = choiceIndex;
    this.judge = judge;
    this.maxHeldBytes = maxHeldBytes;
    this.onBlocked = onBlocked;
  }

  /** Whether a choice's delta carries a tool call (the legacy {@code function_call} included). */
  static boolean carriesCall(JsonNode choice) {
    JsonNode delta = choice.path("delta");
    JsonNode toolCalls = delta.get(TOOL_CALLS);
    JsonNode legacy = delta.get(FUNCTION_CALL);
    return (toolCalls != null && toolCalls.isArray() && !toolCalls.isEmpty()) || (legacy != null && !legacy.isNull());
  }

  /** Notes text the client is given in this choice (a content delta that was passed on). */
  void noteText(JsonNode delta) {
    String content = AnswerJson.text(delta, "content");
    if (content != null && !content.isEmpty()) {
      textSent = true;
    }
  }

  /**
   * Holds a chunk whose only choice is this one and whose delta carries tool calls and nothing
   * the client must see now; gives {@code out} whatever can go.
   */
  void hold(Buffer bytes, ObjectNode chunk, String lineEnd, Consumer<Buffer> out) {
    ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
    JsonNode delta = choice.path("delta");
    List<Integer> keys = new ArrayList<>();
    if (delta.get(TOOL_CALLS) instanceof ArrayNode toolCalls) {
      for (int position = 0; position < toolCalls.size(); position++) {
        JsonNode element = toolCalls.get(position);
        int key = keyOf(element, position);
        // A call is complete once a later one begins: OpenAI streams one call after the other.
        decideOpenBelow(key);
        absorb(key, element, keys);
      }
    }
    JsonNode legacy = delta.get(FUNCTION_CALL);
    if (legacy != null && !legacy.isNull()) {
      absorb(OpenAiChatHeldCall.LEGACY, legacy, keys);
    }
    held.addLast(new HeldChunk(bytes, chunk, lineEnd, keys));
    for (int key : keys) {
      OpenAiChatHeldCall call = calls.get(key);
      if (!call.decided() && call.hold(bytes.length()) > maxHeldBytes) {
        // Bounded memory: a call this large is judged on what has arrived; see OpenAiChatStreamGate.
        decide(call, false);
      }
    }
    if (AnswerJson.text(choice, "finish_reason") != null) {
      decideAll(true);
    }
    release(out);
  }

  /**
   * A chunk that carries no call finishes this choice: every call still open is complete; gives
   * {@code out} what was held for them.
   */
  void finish(Consumer<Buffer> out) {
    decideAll(true);
    release(out);
  }

  /**
   * The stream is over ({@code [DONE]} when {@code whole}, or the body ended, maybe mid-call):
   * judges every open call and gives {@code out} everything held.
   */
  void end(boolean whole, Consumer<Buffer> out) {
    decideAll(whole);
    release(out);
  }

  /**
   * Whether a {@code finish_reason} of this choice must become {@code stop}: it names tool calls,
   * and every call the client would have run was blocked.
   */
  boolean finishTurnsToText(String finishReason) {
    return (TOOL_CALLS.equals(finishReason) || FUNCTION_CALL.equals(finishReason)) && blocked > 0 && allowed == 0;
  }

  private void absorb(int key, JsonNode element, List<Integer> keys) {
    calls.computeIfAbsent(key, OpenAiChatHeldCall::new).absorb(element);
    if (!keys.contains(key)) {
      keys.add(key);
    }
  }

  private void decideOpenBelow(int key) {
    for (OpenAiChatHeldCall call : calls.headMap(key, false).values()) {
      if (!call.decided()) {
        decide(call, true);
      }
    }
  }

  private void decideAll(boolean whole) {
    for (OpenAiChatHeldCall call : calls.values()) {
      if (!call.decided()) {
        decide(call, whole);
      }
    }
  }

  private void decide(OpenAiChatHeldCall call, boolean whole) {
    Blocked verdict = judge.judge(call.name(), call.argumentsForJudge(whole));
    if (verdict == null) {
      call.allow(call.key() == OpenAiChatHeldCall.LEGACY ? 0 : allowedToolCalls());
      allowed++;
    } else {
      call.block(verdict);
      blocked++;
      onBlocked.run();
    }
  }

  private int allowedToolCalls() {
    int count = 0;
    for (Map.Entry<Integer, OpenAiChatHeldCall> entry : calls.entrySet()) {
      OpenAiChatHeldCall call = entry.getValue();
      if (entry.getKey() != OpenAiChatHeldCall.LEGACY && call.decided() && !call.blocked()) {
        count++;
      }
    }
    return count;
  }

  private void release(Consumer<Buffer> out) {
    while (!held.isEmpty() && judged(held.peekFirst())) {
      send(held.pollFirst(), out);
    }
  }

  private boolean judged(HeldChunk chunk) {
    for (int key : chunk.callKeys()) {
      if (!calls.get(key).decided()) {
        return false;
      }
    }
    return true;
  }

  private void send(HeldChunk held, Consumer<Buffer> out) {
    ObjectNode chunk = held.chunk();
    ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
    String finishReason = AnswerJson.text(choice, "finish_reason");
    boolean finishToText = finishReason != null && finishTurnsToText(finishReason);
    boolean touched = finishToText;
    for (int key : held.callKeys()) {
      OpenAiChatHeldCall call = calls.get(key);
      touched |= call.blocked() || call.renumbered();
    }
    if (!touched) {
      out.accept(held.bytes());
      return;
    }
    ObjectNode delta = choice.path("delta") instanceof ObjectNode d ? d : choice.putObject("delta");
    List<Blocked> replaced = new ArrayList<>();
    if (delta.get(TOOL_CALLS) instanceof ArrayNode toolCalls) {
      ArrayNode kept = toolCalls.arrayNode();
      for (int position = 0; position < toolCalls.size(); position++) {
        JsonNode element = toolCalls.get(position);
        OpenAiChatHeldCall call = callFor(element, position);
        if (call.blocked()) {
          if (call.markReplaced()) {
            replaced.add(call.verdict());
          }
        } else {
          if (call.renumbered() && element instanceof ObjectNode object) {
            object.put("index", call.clientIndex());
          }
          kept.add(element);
        }
      }
      if (kept.isEmpty()) {
        delta.remove(TOOL_CALLS);
      } else {
        delta.set(TOOL_CALLS, kept);
      }
    }
    OpenAiChatHeldCall legacy = calls.get(OpenAiChatHeldCall.LEGACY);
    if (delta.has(FUNCTION_CALL) && legacy != null && legacy.blocked()) {
      delta.remove(FUNCTION_CALL);
      if (legacy.markReplaced()) {
        replaced.add(legacy.verdict());
      }
    }
    // The role opens the message: it goes with the first text that now stands where the call was.
    JsonNode role = replaced.isEmpty() ? null : delta.remove("role");
    for (Blocked verdict : replaced) {
      out.accept(replacement(chunk, choice, role, verdict.message(), held.lineEnd()));
      role = null;
    }
    if (finishToText) {
      choice.put("finish_reason", "stop");
    }
    JsonNode usage = chunk.get("usage");
    if (!delta.isEmpty() || AnswerJson.text(choice, "finish_reason") != null || (usage != null && !usage.isNull())) {
      out.accept(SseEventWriter.event(null, chunk, held.lineEnd()));
    }
  }

  private OpenAiChatHeldCall callFor(JsonNode element, int position) {
    return calls.get(keyOf(element, position));
  }

  /** A delta's call index; one without an index is not OpenAI's, but it is still a call: keyed by its place. */
  private static int keyOf(JsonNode element, int position) {
    JsonNode index = element.path("index");
    return index.isIntegralNumber() && index.canConvertToInt() ? index.intValue() : position;
  }

  /** A chunk like {@code template} whose only content is the text that stands for a blocked call. */
  private Buffer replacement(ObjectNode template, ObjectNode templateChoice, JsonNode role, String message,
      String lineEnd) {
    ObjectNode chunk = AnswerJson.newObject();
    ObjectNode choice = AnswerJson.newObject();
    template.fields().forEachRemaining(field -> {
      switch (field.getKey()) {
        case "choices" -> chunk.putArray("choices").add(choice);
        // Usage belongs to the stream's own chunks; obfuscation pads the call's deltas, not this text.
        case "usage" -> chunk.putNull("usage");
        case "obfuscation" -> { }
        default -> chunk.set(field.getKey(), field.getValue().deepCopy());
      }
    });
    choice.put("index", choiceIndex);
    ObjectNode delta = choice.putObject("delta");
    if (role != null) {
      delta.set("role", role);
    }
    delta.put("content", textSent ? "\n\n" + message : message);
    textSent = true;
    if (templateChoice.has("logprobs")) {
      choice.putNull("logprobs");
    }
    choice.putNull("finish_reason");
    return SseEventWriter.event(null, chunk, lineEnd);
  }
}
