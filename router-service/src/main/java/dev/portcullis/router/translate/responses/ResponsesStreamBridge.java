package dev.portcullis.router.translate.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.router.translate.openai.IdMinter;
import dev.portcullis.router.translate.openai.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the {@code chat.completion.chunk} objects of one streamed chat answer into Responses
 * streaming events, in the order OpenAI documents and its SDKs expect: {@code response.created},
 * {@code response.in_progress}, then per output item {@code output_item.added}, its content or
 * argument deltas and its {@code done} events, then {@code response.completed} (or
 * {@code response.incomplete}) with the whole response and usage. Every event carries a
 * {@code sequence_number} one higher than the last.
 *
 * <p>Chat streams deliver one output at a time (text, then each tool call in index order); an
 * item is closed when the next one starts. Not thread-safe: one instance per stream.
 */
public final class ResponsesStreamBridge {

  private final JsonNode request;
  private final IdMinter ids;
  private final long createdAt;
  private final String responseId;
  private final ArrayNode output = Json.array();
  private long sequence;
  private boolean started;
  private boolean ended;
  private String model;
  private String finishReason;
  private ObjectNode usage;
  private OpenItem current;

  /** The item being streamed: a message (text) or a function call (arguments). */
  private static final class OpenItem {
    final String id;
    final int outputIndex;
    final boolean message;
    final int toolIndex;
    final String callId;
    final String name;
    final StringBuilder text = new StringBuilder();

    OpenItem(String id, int outputIndex, boolean message, int toolIndex, String callId, String name) {
      this.id = id;
      this.outputIndex = outputIndex;
      this.message = message;
      this.toolIndex = toolIndex;
      this.callId = callId;
      this.name = name;
    }
  }

  /**
   * @param request the client's Responses request, whose settings the response object echoes
   * @param ids mints the {@code resp_…}, {@code msg_…} and {@code fc_…} ids
   * @param createdAt the response's {@code created_at}, in Unix seconds
   */
  public ResponsesStreamBridge(JsonNode request, IdMinter ids, long createdAt) {
    this.request = request;
    this.ids = ids;
    this.createdAt = createdAt;
    this.responseId = ids.mint("resp_");
    this.model = Json.text(request, "model");
  }

  /** The events one chat chunk produces. A chunk holding an {@code error} fails the response. */
  public List<ResponsesEvent> onChunk(JsonNode chunk) {
    List<ResponsesEvent> events = new ArrayList<>();
    if (ended) {
      return events;
    }
    if (chunk.has("error")) {
      return fail(chunk);
    }
    if (!started && Json.has(chunk, "model")) {
      model = chunk.get("model").asText();
    }
    start(events);
    if (Json.has(chunk, "usage")) {
      usage = ResponseEnvelope.usage(chunk.get("usage"));
    }
    JsonNode choice = chunk.path("choices").path(0);
    JsonNode delta = choice.path("delta");
    String content = Json.text(delta, "content");
    if (content != null && !content.isEmpty()) {
      appendText(content, events);
    }
    for (JsonNode call : delta.path("tool_calls")) {
      appendToolCall(call, events);
    }
    if (Json.has(choice, "finish_reason")) {
      finishReason = choice.get("finish_reason").asText();
    }
    return events;
  }

  /** The closing events once the chat stream has ended ({@code [DONE]} or end of input). */
  public List<ResponsesEvent> finish() {
    List<ResponsesEvent> events = new ArrayList<>();
    if (ended) {
      return events;
    }
    start(events);
    closeCurrent(events);
    ended = true;
    String status = ResponseEnvelope.status(finishReason);
    ObjectNode response = ResponseEnvelope.build(
        request, responseId, createdAt, model, status, output.deepCopy(),
        ResponseEnvelope.incompleteReason(finishReason), usage, null);
    ObjectNode data = Json.object();
    data.set("response", response);
    events.add(event("completed".equals(status) ? "response.completed" : "response.incomplete", data));
    return events;
  }

  /**
   * The terminal {@code response.failed} event for an OpenAI {@code {"error":{...}}} object that
   * arrived mid-stream.
   */
  public List<ResponsesEvent> fail(JsonNode openAiError) {
    List<ResponsesEvent> events = new ArrayList<>();
    if (ended) {
      return events;
    }
    start(events);
    ended = true;
    JsonNode cause = openAiError.path("error");
    ObjectNode error = Json.object();
    String code = Json.text(cause, "code");
    error.put("code", code != null ? code : cause.path("type").asText("server_error"));
    error.put("message", cause.path("message").asText("the upstream stream failed"));
    ObjectNode data = Json.object();
    data.set("response", ResponseEnvelope.build(
        request, responseId, createdAt, model, "failed", output.deepCopy(), null, usage, error));
    events.add(event("response.failed", data));
    return events;
  }

  private void start(List<ResponsesEvent> events) {
    if (started) {
      return;
    }
    started = true;
    for (String type : List.of("response.created", "response.in_progress")) {
      ObjectNode data = Json.object();
      data.set("response", ResponseEnvelope.build(
          request, responseId, createdAt, model, "in_progress", Json.array(), null, null, null));
      events.add(event(type, data));
    }
  }

  private void appendText(String fragment, List<ResponsesEvent> events) {
    if (current == null || !current.message) {
      closeCurrent(events);
      // Items join output only when done, so an open item's index is the current output size.
      current = new OpenItem(ids.mint("msg_"), output.size(), true, -1, null, null);
      ObjectNode added = Json.object();
      added.put("output_index", current.outputIndex);
      added.set("item", ResponseEnvelope.messageItem(current.id, "in_progress", null));
      events.add(event("response.output_item.added", added));
      ObjectNode part = itemFields(current);
      part.put("content_index", 0);
      part.set("part", ResponseEnvelope.outputText(""));
      events.add(event("response.content_part.added", part));
    }
    current.text.append(fragment);
    ObjectNode delta = itemFields(current);
    delta.put("content_index", 0);
    delta.put("delta", fragment);
    delta.putArray("logprobs");
    events.add(event("response.output_text.delta", delta));
  }

  private void appendToolCall(JsonNode call, List<ResponsesEvent> events) {
    int index = call.path("index").asInt();
    boolean sameCall = current != null && !current.message && current.toolIndex == index;
    if (!sameCall) {
      closeCurrent(events);
      String name = Json.text(call.path("function"), "name");
      current = new OpenItem(ids.mint("fc_"), output.size(), false, index, Json.text(call, "id"), name);
      ObjectNode added = Json.object();
      added.put("output_index", current.outputIndex);
      added.set("item", ResponseEnvelope.functionCallItem(current.id, current.callId, name, "", "in_progress"));
      events.add(event("response.output_item.added", added));
    }
    String fragment = Json.text(call.path("function"), "arguments");
    if (fragment != null && !fragment.isEmpty()) {
      current.text.append(fragment);
      ObjectNode delta = itemFields(current);
      delta.put("delta", fragment);
      events.add(event("response.function_call_arguments.delta", delta));
    }
  }

  private void closeCurrent(List<ResponsesEvent> events) {
    if (current == null) {
      return;
    }
    OpenItem item = current;
    current = null;
    String text = item.text.toString();
    ObjectNode finished;
    if (item.message) {
      ObjectNode done = itemFields(item);
      done.put("content_index", 0);
      done.put("text", text);
      done.putArray("logprobs");
      events.add(event("response.output_text.done", done));
      ObjectNode part = itemFields(item);
      part.put("content_index", 0);
      part.set("part", ResponseEnvelope.outputText(text));
      events.add(event("response.content_part.done", part));
      finished = ResponseEnvelope.messageItem(item.id, "completed", text);
    } else {
      ObjectNode done = itemFields(item);
      done.put("name", item.name);
      done.put("arguments", text);
      events.add(event("response.function_call_arguments.done", done));
      finished = ResponseEnvelope.functionCallItem(item.id, item.callId, item.name, text, "completed");
    }
    output.add(finished);
    ObjectNode itemDone = Json.object();
    itemDone.put("output_index", item.outputIndex);
    itemDone.set("item", finished);
    events.add(event("response.output_item.done", itemDone));
  }

  private static ObjectNode itemFields(OpenItem item) {
    ObjectNode data = Json.object();
    data.put("item_id", item.id);
    data.put("output_index", item.outputIndex);
    return data;
  }

  private ResponsesEvent event(String type, ObjectNode fields) {
    ObjectNode data = Json.object();
    data.put("type", type);
    data.put("sequence_number", sequence++);
    data.setAll(fields);
    return new ResponsesEvent(type, data);
  }
}
