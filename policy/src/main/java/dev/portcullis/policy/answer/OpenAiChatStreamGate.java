package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@link StreamGate} of an OpenAI chat-completions stream ({@code data:} events of
 * {@code chat.completion.chunk}s, then {@code data: [DONE]}).
 *
 * <p>A chunk whose delta carries {@code tool_calls} (or a legacy {@code function_call}) is held;
 * every other event goes on at once, as it came: text, role, usage chunks, errors, comments and
 * anything unreadable. A chunk that carries text and a tool call together is split: a chunk with
 * the text goes on now, one with the call is held. A call is complete, and judged, when a delta of
 * a later call arrives, when its choice gets a {@code finish_reason}, at {@code [DONE]} or at the
 * end of the body. An allowed call's chunks are then released as they came; a blocked call's are
 * replaced by one chunk (same {@code id}, {@code model}, {@code created}, {@code object}) whose
 * {@code delta.content} is the judge's message, and when no call of the choice is left its
 * {@code finish_reason} {@code tool_calls} becomes {@code stop}. Allowed calls after a blocked one
 * are re-numbered so the client sees indexes 0, 1, 2... with no gap. Choices ({@code n > 1}) are
 * gated each on their own.
 *
 * <p>Bound: a call whose held chunks pass {@link #DEFAULT_MAX_HELD_BYTES} is judged on what has
 * arrived (its name, and its arguments only if they already form a whole JSON object, else
 * {@code {}}): blocked, it is replaced and its later deltas are dropped; allowed, what is held is
 * released and its later deltas go on at once. A body cut mid-call is judged the same way at
 * {@link #end}.
 */
public final class OpenAiChatStreamGate implements StreamGate {

  /** What one tool call may hold before it is judged on what has arrived: 1 MiB. */
  public static final int DEFAULT_MAX_HELD_BYTES = 1 << 20;

  private final ToolCallJudge judge;
  private final long maxHeldBytes;
  private final SseEventSplitter splitter = new SseEventSplitter();
  private final Map<Integer, OpenAiChatChoiceHold> choices = new TreeMap<>();
  private int blockedCalls;

  public OpenAiChatStreamGate(ToolCallJudge judge) {
    this(judge, DEFAULT_MAX_HELD_BYTES);
  }

  OpenAiChatStreamGate(ToolCallJudge judge, long maxHeldBytes) {
    this.judge = judge;
    this.maxHeldBytes = maxHeldBytes;
  }

  @Override
  public void accept(Buffer chunk, Consumer<Buffer> out) {
    splitter.feed(chunk, event -> onEvent(event, out));
  }

  @Override
  public void end(Consumer<Buffer> out) {
    splitter.finish(event -> onEvent(event, out));
    for (OpenAiChatChoiceHold choice : choices.values()) {
      choice.end(false, out);
    }
  }

  @Override
  public int blockedCalls() {
    return blockedCalls;
  }

  private void onEvent(SseEventSplitter.Event event, Consumer<Buffer> out) {
    if (event.data() == null) {
      out.accept(event.bytes());
      return;
    }
    if (event.isDoneMarker()) {
      for (OpenAiChatChoiceHold choice : choices.values()) {
        choice.end(true, out);
      }
      out.accept(event.bytes());
      return;
    }
    ObjectNode chunk = AnswerJson.object(event.data());
    if (chunk == null || !(chunk.get("choices") instanceof ArrayNode choiceList)) {
      // Usage-only chunks have an empty choices list and pass below; errors and junk pass here.
      out.accept(event.bytes());
      return;
    }
    boolean anyCall = false;
    for (JsonNode choice : choiceList) {
      anyCall |= choice.isObject() && OpenAiChatChoiceHold.carriesCall(choice);
    }
    if (!anyCall) {
      onPlainChunk(event.bytes(), chunk, event.lineEnd(), out);
    } else if (choiceList.size() == 1) {
      onCallChunk(chunk, event, out);
    } else {
      splitByChoice(chunk, event.lineEnd(), out);
    }
  }

  /** A chunk with no call: goes on now, after what a finish_reason in it releases. */
  private void onPlainChunk(Buffer bytes, ObjectNode chunk, String lineEnd, Consumer<Buffer> out) {
    boolean changed = false;
    for (JsonNode node : chunk.get("choices")) {
      if (!(node instanceof ObjectNode choice)) {
        continue;
      }
      OpenAiChatChoiceHold hold = holdFor(choice);
      hold.noteText(choice.path("delta"));
      String finishReason = AnswerJson.text(choice, "finish_reason");
      if (finishReason != null) {
        hold.finish(out);
        if (hold.finishTurnsToText(finishReason)) {
          choice.put("finish_reason", "stop");
          changed = true;
        }
      }
    }
    out.accept(changed ? SseEventWriter.event(null, chunk, lineEnd) : bytes);
  }

  /** A chunk of one choice that carries a call: its text (if any) goes on now, the call is held. */
  private void onCallChunk(ObjectNode chunk, SseEventSplitter.Event event, Consumer<Buffer> out) {
    ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
    OpenAiChatChoiceHold hold = holdFor(choice);
    Buffer bytes = event.bytes();
    if (choice.get("delta") instanceof ObjectNode delta && carriesText(delta)) {
      ObjectNode text = chunk.deepCopy();
      ObjectNode textChoice = (ObjectNode) text.get("choices").get(0);
      ObjectNode textDelta = (ObjectNode) textChoice.get("delta");
      textDelta.remove(OpenAiChatChoiceHold.TOOL_CALLS);
      textDelta.remove(OpenAiChatChoiceHold.FUNCTION_CALL);
      textChoice.putNull("finish_reason");
      if (text.has("usage")) {
        text.putNull("usage");
      }
      hold.noteText(textDelta);
      out.accept(SseEventWriter.event(null, text, event.lineEnd()));
      for (Iterator<String> names = delta.fieldNames(); names.hasNext(); ) {
        String name = names.next();
        if (!name.equals(OpenAiChatChoiceHold.TOOL_CALLS) && !name.equals(OpenAiChatChoiceHold.FUNCTION_CALL)) {
          names.remove();
        }
      }
      if (choice.has("logprobs")) {
        choice.putNull("logprobs");
      }
      bytes = SseEventWriter.event(null, chunk, event.lineEnd());
    }
    hold.hold(bytes, chunk, event.lineEnd(), out);
  }

  /** Several choices in one chunk, some with calls: one chunk per choice, so each is held or passed alone. */
  private void splitByChoice(ObjectNode chunk, String lineEnd, Consumer<Buffer> out) {
    ArrayNode choiceList = (ArrayNode) chunk.get("choices");
    for (int i = 0; i < choiceList.size(); i++) {
      ObjectNode part = chunk.deepCopy();
      ArrayNode only = part.putArray("choices");
      only.add(choiceList.get(i).deepCopy());
      if (i < choiceList.size() - 1 && part.has("usage")) {
        part.putNull("usage");
      }
      Buffer bytes = SseEventWriter.event(null, part, lineEnd);
      onEvent(new SseEventSplitter.Event(bytes, null, AnswerJson.encode(part)), out);
    }
  }

  /** Whether a delta carries something the client must see now: any field but the call and the role that is not empty. */
  private static boolean carriesText(ObjectNode delta) {
    for (Iterator<Map.Entry<String, JsonNode>> fields = delta.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      if (name.equals(OpenAiChatChoiceHold.TOOL_CALLS) || name.equals(OpenAiChatChoiceHold.FUNCTION_CALL)
          || name.equals("role") || value.isNull() || (value.isTextual() && value.textValue().isEmpty())) {
        continue;
      }
      return true;
    }
    return false;
  }

  private OpenAiChatChoiceHold holdFor(JsonNode choice) {
    JsonNode index = choice.path("index");
    int key = index.isIntegralNumber() && index.canConvertToInt() ? index.intValue() : 0;
    return choices.computeIfAbsent(key, k -> new OpenAiChatChoiceHold(k, judge, maxHeldBytes, () -> blockedCalls++));
  }
}
