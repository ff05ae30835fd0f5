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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link StreamGate} of a streamed Cohere v2 chat answer (SSE, each event named by its
 * {@code type}).
 *
 * <p>A call's {@code tool-call-start}, {@code tool-call-delta}s and {@code tool-call-end} (one
 * {@code index} per call) are held, and at {@code tool-call-end} the call is judged. Allowed, the
 * held events go on as they came. Blocked, they are dropped and a text block goes in their place:
 * {@code content-start}, one {@code content-delta}, {@code content-end}, at a content index the
 * stream has not used (one above the highest it has). At {@code message-end}, when calls were
 * blocked and none was let through, {@code finish_reason} {@code TOOL_CALL} becomes
 * {@code COMPLETE}. Text, the tool plan and every other event go on at once, in their own bytes.
 *
 * <p>An event that cannot be read and could carry a call is withheld (the client could not read
 * it either); anything else unreadable goes on as it came. With {@link ToolCallJudge#ALLOW_ALL}
 * the gate holds nothing and passes every chunk on at once. Not thread-safe: one per stream.
 */
public final class CohereStreamGate implements StreamGate {

  private static final String CALL_START = "tool-call-start";
  private static final String CALL_DELTA = "tool-call-delta";
  private static final String CALL_END = "tool-call-end";
  /** The events read as JSON; every other one (text deltas above all) goes on unread. */
  private static final Set<String> READ = Set.of("content-start", "content-end", CALL_START, CALL_DELTA, CALL_END,
      "message-end");

  /** A tool call being held: its events so far and what they said. */
  private static final class HeldCall {
    final int index;
    String name;
    final StringBuilder arguments = new StringBuilder();
    final List<Event> events = new ArrayList<>();
    long bytes;

    HeldCall(int index, String name) {
      this.index = index;
      this.name = name;
    }
  }

  private final ToolCallJudge judge;
  private final boolean holdsNothing;
  private final CohereResponsesSseSplitter splitter = new CohereResponsesSseSplitter();
  private final Map<Integer, HeldCall> held = new LinkedHashMap<>();
  /** Calls judged before their end (held past the limit): true when blocked, so the rest is dropped. */
  private final Map<Integer, Boolean> judgedEarly = new HashMap<>();
  /** The content index the next text block of the gate's own takes. */
  private int nextContentIndex;
  private int unknownIndex = -1;
  private int blockedCalls;
  private int allowedCalls;
  private Buffer out;

  public CohereStreamGate(ToolCallJudge judge) {
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
   * The bytes after the last blank line: read as an event when their JSON is whole; otherwise
   * dropped when they may be part of a call, and passed on as they came when not.
   */
  private void onUnfinishedEvent(Event rest) {
    if (rest.data() != null && ResponsesCohereBedrockJson.object(rest.data()) != null) {
      onEvent(rest);
    } else if (!mayCarryCall(rest.name(), rest.raw().toString(StandardCharsets.UTF_8))) {
      out.appendBuffer(rest.raw());
    }
  }

  private static boolean mayCarryCall(String type, String data) {
    return (type != null && type.startsWith("tool-call")) || (data != null && data.contains("tool_calls"));
  }

  private void onEvent(Event event) {
    if (event.data() == null) {
      out.appendBuffer(event.raw());
      return;
    }
    String type = event.name();
    ObjectNode json = null;
    // Read too when the data mentions tool calls under another name: clients go by the JSON's type.
    if (type == null || READ.contains(type) || event.data().contains("tool_calls")) {
      json = ResponsesCohereBedrockJson.object(event.data());
      String declared = ResponsesCohereBedrockJson.text(json, "type");
      type = declared != null ? declared : type;
    }
    if (json == null) {
      if (!mayCarryCall(type, event.data())) {
        out.appendBuffer(event.raw());
      }
      return;
    }
    switch (type == null ? "" : type) {
      case "content-start", "content-end" -> {
        Integer index = ResponsesCohereBedrockJson.integer(json, "index");
        if (index != null && index >= nextContentIndex) {
          nextContentIndex = index + 1;
        }
        out.appendBuffer(event.raw());
      }
      case CALL_START, CALL_DELTA -> onCallEvent(event, json);
      case CALL_END -> onCallEnd(event, json);
      case "message-end" -> onMessageEnd(event, json);
      default -> out.appendBuffer(event.raw());
    }
  }

  private void onCallEvent(Event event, ObjectNode json) {
    int index = index(json);
    Boolean blockedEarly = judgedEarly.get(index);
    if (blockedEarly != null) {
      if (!blockedEarly) {
        out.appendBuffer(event.raw());
      }
      return;
    }
    // A delta of a call whose start was never seen is held as a call without a name.
    HeldCall call = held.computeIfAbsent(index, i -> new HeldCall(i, null));
    JsonNode toolCall = toolCall(json);
    String name = ResponsesCohereBedrockJson.text(toolCall.path("function"), "name");
    call.name = call.name == null ? name : call.name;
    String fragment = ResponsesCohereBedrockJson.text(toolCall.path("function"), "arguments");
    call.arguments.append(fragment == null ? "" : fragment);
    call.events.add(event);
    call.bytes += event.raw().length();
    if (call.bytes > ResponsesCohereBedrockCalls.HOLD_LIMIT) {
      held.remove(index);
      judgedEarly.put(index, decide(call, call.arguments.toString()));
    }
  }

  private void onCallEnd(Event event, ObjectNode json) {
    int index = index(json);
    Boolean blockedEarly = judgedEarly.remove(index);
    HeldCall call = held.remove(index);
    if (call == null) {
      // The end of a call let through early, or of one never started: nothing of a call in it.
      if (blockedEarly == null || !blockedEarly) {
        out.appendBuffer(event.raw());
      }
      return;
    }
    call.events.add(event);
    decide(call, call.arguments.toString());
  }

  private void onMessageEnd(Event event, ObjectNode json) {
    resolveCutCalls();
    JsonNode delta = json.path("delta");
    if (blockedCalls > 0 && allowedCalls == 0 && delta instanceof ObjectNode fields
        && "TOOL_CALL".equals(ResponsesCohereBedrockJson.text(fields, "finish_reason"))) {
      fields.put("finish_reason", "COMPLETE");
      out.appendBuffer(CohereResponsesSseSplitter.write(event.name(), ResponsesCohereBedrockJson.encode(json)));
    } else {
      out.appendBuffer(event.raw());
    }
  }

  /** Judges every call still held as one the stream cut short: on its name alone. */
  private void resolveCutCalls() {
    List<HeldCall> open = new ArrayList<>(held.values());
    held.clear();
    for (HeldCall call : open) {
      decide(call, "{}");
    }
  }

  /** Judges a call and sends what the client gets of it; true when it was blocked. */
  private boolean decide(HeldCall call, String arguments) {
    Blocked verdict = ResponsesCohereBedrockCalls.judge(judge, call.name, arguments);
    if (verdict == null) {
      allowedCalls++;
      call.events.forEach(e -> out.appendBuffer(e.raw()));
      return false;
    }
    blockedCalls++;
    writeTextBlock(nextContentIndex++, ResponsesCohereBedrockCalls.text(verdict));
    return true;
  }

  /** A text content block as Cohere streams one: start (empty text), one delta, end. */
  private void writeTextBlock(int index, String text) {
    ObjectNode start = event("content-start", index);
    start.putObject("delta").putObject("message").putObject("content").put("type", "text").put("text", "");
    ObjectNode delta = event("content-delta", index);
    delta.putObject("delta").putObject("message").putObject("content").put("text", text);
    ObjectNode end = event("content-end", index);
    for (ObjectNode event : List.of(start, delta, end)) {
      out.appendBuffer(CohereResponsesSseSplitter.write(event.path("type").asText(), ResponsesCohereBedrockJson.encode(event)));
    }
  }

  private static ObjectNode event(String type, int index) {
    ObjectNode event = ResponsesCohereBedrockJson.newObject();
    event.put("type", type);
    event.put("index", index);
    return event;
  }

  private int index(ObjectNode json) {
    Integer index = ResponsesCohereBedrockJson.integer(json, "index");
    // No index: a key of its own that no real call index can take.
    return index != null ? index : unknownIndex--;
  }

  /** {@code delta.message.tool_calls}: one object as documented, or the first of a list as some send it. */
  private static JsonNode toolCall(ObjectNode json) {
    JsonNode calls = json.path("delta").path("message").path("tool_calls");
    return calls.isArray() ? calls.path(0) : calls;
  }
}
