package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.CohereResponsesSseSplitter.Event;
import dev.portcullis.policy.tools.ToolCallJudge;
import dev.portcullis.policy.tools.ToolCallJudge.Blocked;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link StreamGate} of a streamed OpenAI Responses answer (SSE, each event with an
 * {@code event:} name and a {@code sequence_number}).
 *
 * <p>A {@code response.output_item.added} whose item is a {@code function_call} starts holding
 * that output index; its {@code function_call_arguments.delta}/{@code .done} events and its
 * {@code output_item.done} are held too, and at {@code output_item.done} the call is judged.
 * Allowed, the held events go on as they came. Blocked, they are dropped and the events of a text
 * message item at the same output index go in their place (see {@link ResponsesBlockedMessage}).
 * The terminal {@code response.completed}, {@code .incomplete} or {@code .failed} event repeats the
 * whole output: blocked items are replaced there by the same message item.
 *
 * <p>Sequence numbers stay strictly increasing: an event keeps its own number (and its bytes) when
 * that number is above the last one sent; otherwise (after a replacement that took more events
 * than the call had, or a held call let go after later events went ahead of it) only its digits
 * are changed to the next free number. The official SDKs do not check the numbers (openai-java's
 * {@code ResponseAccumulator} ignores them), but clients that resume a stream by number need them
 * in order.
 *
 * <p>An event that cannot be read and could carry a call (an item event, an arguments event) is
 * withheld: the client could not have read it either. Anything else unreadable goes on as it came.
 * With {@link ToolCallJudge#ALLOW_ALL} the gate holds nothing and passes every chunk on at once.
 * Not thread-safe: one per stream.
 */
public final class ResponsesStreamGate implements StreamGate {

  private static final String ITEM_ADDED = "response.output_item.added";
  private static final String ITEM_DONE = "response.output_item.done";
  private static final String ARGUMENTS_DELTA = "response.function_call_arguments.delta";
  private static final String ARGUMENTS_DONE = "response.function_call_arguments.done";
  /** A custom tool's call streams its free-text input instead of arguments. */
  private static final String INPUT_DELTA = "response.custom_tool_call_input.delta";
  private static final String INPUT_DONE = "response.custom_tool_call_input.done";
  /** The events read as JSON; every other one (text deltas above all) goes on unread. */
  private static final Set<String> READ = Set.of("response.created", "response.in_progress", "response.queued",
      ITEM_ADDED, ITEM_DONE, ARGUMENTS_DELTA, ARGUMENTS_DONE, INPUT_DELTA, INPUT_DONE, "response.completed", "response.incomplete",
      "response.failed", "error");
  private static final Set<String> TERMINAL = Set.of("response.completed", "response.incomplete", "response.failed");

  /** A function call being held: its events so far and what they said. */
  private static final class HeldCall {
    final int outputIndex;
    final String itemId;
    /** A custom tool's call: its input is free text, judged as {@code {"input": "..."}}. */
    boolean custom;
    String name;
    final StringBuilder argumentDeltas = new StringBuilder();
    String doneArguments;
    final List<Event> events = new ArrayList<>();
    long bytes;

    HeldCall(int outputIndex, String itemId, String name) {
      this.outputIndex = outputIndex;
      this.itemId = itemId;
      this.name = name;
    }

    String argumentsSoFar() {
      return doneArguments != null ? doneArguments : argumentDeltas.toString();
    }

    /** What the judge is given: a function's arguments as sent, a custom tool's input as an object. */
    String forJudge(String arguments) {
      return custom ? OpenAiToolCallFields.forJudge(true, arguments, true) : arguments;
    }
  }

  private final ToolCallJudge judge;
  private final boolean holdsNothing;
  private final CohereResponsesSseSplitter splitter = new CohereResponsesSseSplitter();
  private final Map<Integer, HeldCall> held = new LinkedHashMap<>();
  /** Calls judged before their last event (held past the limit): true when blocked, so the rest is dropped. */
  private final Map<Integer, Boolean> judgedEarly = new HashMap<>();
  private final Map<String, ResponsesBlockedMessage> blockedByItemId = new HashMap<>();
  private final Map<Integer, ResponsesBlockedMessage> blockedByIndex = new HashMap<>();
  private final Set<String> allowedItemIds = new HashSet<>();
  private final Set<Integer> allowedIndexes = new HashSet<>();
  private String responseId;
  private final ResponsesSequencedOut sequenced = new ResponsesSequencedOut();
  private int unknownIndex = -1;
  private int blockedCalls;
  private Buffer out;

  public ResponsesStreamGate(ToolCallJudge judge) {
    this.judge = judge;
    this.holdsNothing = judge == ToolCallJudge.ALLOW_ALL;
  }

  @Override
  public void accept(Buffer chunk, Consumer<Buffer> downstream) {
    if (holdsNothing) {
      downstream.accept(chunk);
      return;
    }
    out = Buffer.buffer();
    splitter.feed(chunk, this::onEvent);
    flush(downstream);
  }

  @Override
  public void end(Consumer<Buffer> downstream) {
    if (holdsNothing) {
      return;
    }
    out = Buffer.buffer();
    Event rest = splitter.finish();
    if (rest != null) {
      onUnfinishedEvent(rest);
    }
    resolveCutCalls();
    flush(downstream);
  }

  @Override
  public int blockedCalls() {
    return blockedCalls;
  }

  private void flush(Consumer<Buffer> downstream) {
    Buffer ready = out;
    out = null;
    if (ready.length() > 0) {
      downstream.accept(ready);
    }
  }

  /**
   * The bytes after the last blank line: read as an event when their JSON is whole (the upstream
   * only left out the final blank line); otherwise dropped when they may be part of a call, and
   * passed on as they came when not (SSE clients drop an unfinished event anyway).
   */
  private void onUnfinishedEvent(Event rest) {
    if (rest.data() != null && ResponsesCohereBedrockJson.object(rest.data()) != null) {
      onEvent(rest);
    } else if (!mayCarryCall(rest.name()) && !mentionsCall(rest.raw().toString(StandardCharsets.UTF_8))) {
      emitRaw(rest.raw());
    }
  }

  private static boolean mayCarryCall(String type) {
    return type != null && (type.startsWith("response.output_item.") || type.startsWith("response.function_call")
        || type.startsWith("response.custom_tool_call"));
  }

  /** Whether event data names a call of a function or a custom tool (the client goes by that, not the event line). */
  private static boolean mentionsCall(String data) {
    return data.contains("function_call") || data.contains("custom_tool_call");
  }

  private void onEvent(Event event) {
    if (event.data() == null) {
      emitRaw(event.raw());
      return;
    }
    String type = event.name();
    ObjectNode json = null;
    // Read too when the data mentions a function call under another name: the client goes by the
    // JSON's type, not by the event line.
    if (type == null || READ.contains(type) || mentionsCall(event.data())) {
      json = ResponsesCohereBedrockJson.object(event.data());
      String declared = ResponsesCohereBedrockJson.text(json, "type");
      type = declared != null ? declared : type;
    }
    if (json == null) {
      if (!mayCarryCall(type)) {
        pass(event);
      }
      return;
    }
    switch (type == null ? "" : type) {
      case "response.created", "response.in_progress", "response.queued" -> {
        String id = ResponsesCohereBedrockJson.text(json.path("response"), "id");
        responseId = id != null ? id : responseId;
        pass(event);
      }
      case ITEM_ADDED -> onItemAdded(event, json);
      case ARGUMENTS_DELTA, ARGUMENTS_DONE -> onArguments(event, json, type.equals(ARGUMENTS_DONE), false);
      case INPUT_DELTA, INPUT_DONE -> onArguments(event, json, type.equals(INPUT_DONE), true);
      case ITEM_DONE -> onItemDone(event, json);
      case "response.completed", "response.incomplete", "response.failed" -> onTerminal(event, json);
      case "error" -> {
        resolveCutCalls();
        pass(event);
      }
      default -> pass(event);
    }
  }

  private void onItemAdded(Event event, ObjectNode json) {
    JsonNode item = json.path("item");
    if (!ResponsesAnswerRewriter.isToolCall(item)) {
      pass(event);
      return;
    }
    int index = outputIndex(json);
    HeldCall call = new HeldCall(index, ResponsesCohereBedrockJson.text(item, "id"),
        ResponsesCohereBedrockJson.text(item, "name"));
    call.custom = isCustomToolCall(item);
    held.put(index, call);
    hold(call, event);
  }

  /** An arguments (or, {@code custom}, a custom tool's input) delta or done event. */
  private void onArguments(Event event, ObjectNode json, boolean done, boolean custom) {
    int index = outputIndex(json);
    Boolean blockedEarly = judgedEarly.get(index);
    if (blockedEarly != null) {
      if (!blockedEarly) {
        pass(event);
      }
      return;
    }
    // Arguments of a call whose start was never seen are held as a call without a name.
    HeldCall call = held.computeIfAbsent(index, i -> new HeldCall(i, ResponsesCohereBedrockJson.text(json, "item_id"), null));
    call.custom |= custom;
    if (done) {
      call.doneArguments = ResponsesCohereBedrockJson.text(json, custom ? "input" : "arguments");
      String name = ResponsesCohereBedrockJson.text(json, "name");
      call.name = call.name == null ? name : call.name;
    } else {
      String delta = ResponsesCohereBedrockJson.text(json, "delta");
      call.argumentDeltas.append(delta == null ? "" : delta);
    }
    hold(call, event);
  }

  private void onItemDone(Event event, ObjectNode json) {
    int index = outputIndex(json);
    JsonNode item = json.path("item");
    Boolean blockedEarly = judgedEarly.remove(index);
    if (blockedEarly != null) {
      if (!blockedEarly) {
        pass(event);
      }
      return;
    }
    HeldCall call = held.remove(index);
    if (call == null && !ResponsesAnswerRewriter.isToolCall(item)) {
      pass(event);
      return;
    }
    if (call == null) {
      call = new HeldCall(index, ResponsesCohereBedrockJson.text(item, "id"), null);
    }
    call.custom |= isCustomToolCall(item);
    call.events.add(event);
    String name = ResponsesCohereBedrockJson.text(item, "name");
    String arguments = ResponsesCohereBedrockJson.text(item, call.custom ? "input" : "arguments");
    decide(call, name != null ? name : call.name,
        call.forJudge(arguments != null ? arguments : call.argumentsSoFar()));
  }

  /** A terminal event: calls still open are judged as cut, and the output it repeats is rewritten. */
  private void onTerminal(Event event, ObjectNode json) {
    resolveCutCalls();
    if (!(json.get("response") instanceof ObjectNode response)) {
      pass(event);
      return;
    }
    int replaced = ResponsesAnswerRewriter.rewriteOutput(response, this::finalDecision);
    if (replaced == 0) {
      pass(event);
    } else {
      emitJson(event.name() != null ? event.name() : json.path("type").asText(), json);
    }
  }

  /** What becomes of a function call in the final output: as it was streamed, or judged now if it never was. */
  private ResponsesBlockedMessage finalDecision(int index, ObjectNode item) {
    String itemId = ResponsesCohereBedrockJson.text(item, "id");
    ResponsesBlockedMessage known = itemId != null ? blockedByItemId.get(itemId) : blockedByIndex.get(index);
    if (known != null) {
      return known;
    }
    if (itemId != null ? allowedItemIds.contains(itemId) : allowedIndexes.contains(index)) {
      return null;
    }
    Blocked verdict = ResponsesAnswerRewriter.judge(judge, item);
    if (verdict == null) {
      markAllowed(index, itemId);
      return null;
    }
    return markBlocked(index, itemId, verdict);
  }

  private void hold(HeldCall call, Event event) {
    call.events.add(event);
    call.bytes += event.raw().length();
    if (call.bytes > ResponsesCohereBedrockCalls.HOLD_LIMIT) {
      held.remove(call.outputIndex);
      boolean blocked = decide(call, call.name, call.forJudge(call.argumentsSoFar()));
      judgedEarly.put(call.outputIndex, blocked);
    }
  }

  /** Judges every call still held as one the stream cut short: on its name alone. */
  private void resolveCutCalls() {
    List<HeldCall> open = new ArrayList<>(held.values());
    held.clear();
    for (HeldCall call : open) {
      decide(call, call.name, "{}");
    }
  }

  /** Judges a call and sends what the client gets of it; true when it was blocked. */
  private boolean decide(HeldCall call, String name, String arguments) {
    Blocked verdict = ResponsesCohereBedrockCalls.judge(judge, name, arguments);
    if (verdict == null) {
      markAllowed(call.outputIndex, call.itemId);
      call.events.forEach(this::pass);
      return false;
    }
    ResponsesBlockedMessage message = markBlocked(call.outputIndex, call.itemId, verdict);
    for (ObjectNode replacement : message.events()) {
      emitJson(replacement.path("type").asText(), replacement);
    }
    return true;
  }

  private void markAllowed(int index, String itemId) {
    if (itemId != null) {
      allowedItemIds.add(itemId);
    } else {
      allowedIndexes.add(index);
    }
  }

  private ResponsesBlockedMessage markBlocked(int index, String itemId, Blocked verdict) {
    ResponsesBlockedMessage message = ResponsesBlockedMessage.of(responseId, index, itemId,
        ResponsesCohereBedrockCalls.text(verdict));
    if (itemId != null) {
      blockedByItemId.put(itemId, message);
    } else {
      blockedByIndex.put(index, message);
    }
    blockedCalls++;
    return message;
  }

  private int outputIndex(ObjectNode json) {
    Integer index = ResponsesCohereBedrockJson.integer(json, "output_index");
    if (index != null) {
      return index;
    }
    String itemId = ResponsesCohereBedrockJson.text(json, "item_id");
    if (itemId == null) {
      itemId = ResponsesCohereBedrockJson.text(json.path("item"), "id");
    }
    for (HeldCall call : held.values()) {
      if (itemId != null && itemId.equals(call.itemId)) {
        return call.outputIndex;
      }
    }
    // No index and no known item: a key of its own that no real output index can take.
    return unknownIndex--;
  }

  private static boolean isCustomToolCall(JsonNode item) {
    return "custom_tool_call".equals(ResponsesCohereBedrockJson.text(item, "type"));
  }

  /** Sends an upstream event: as it came, or with only its sequence number moved up. */
  private void pass(Event event) {
    sequenced.pass(event, this::emitRaw);
  }

  /** Sends an event the gate wrote or rewrote, numbered after the last one sent. */
  private void emitJson(String name, ObjectNode json) {
    sequenced.emit(name, json, this::emitRaw);
  }

  private void emitRaw(Buffer bytes) {
    out.appendBuffer(bytes);
  }
}
