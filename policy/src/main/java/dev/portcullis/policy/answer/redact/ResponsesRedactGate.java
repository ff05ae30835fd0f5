package dev.portcullis.policy.answer.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.ResponsesSequencedOut;
import dev.portcullis.policy.answer.AnswerJson;
import dev.portcullis.policy.answer.CohereResponsesSseSplitter;
import dev.portcullis.policy.answer.CohereResponsesSseSplitter.Event;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link StreamRedactGate} of a streamed OpenAI Responses answer: the text of each
 * {@code output_text} part, by output index and content index, is its
 * {@code response.output_text.delta}s. A delta event carries the text the redactor releases and is
 * left out while it releases nothing; what is still held goes in a delta of the gate's own just
 * before {@code response.output_text.done}. The events that repeat the whole text carry the
 * redacted text the client was sent: {@code output_text.done}, {@code content_part.done},
 * {@code output_item.done} and the terminal {@code response.completed}, {@code .incomplete} or
 * {@code .failed} (a text they hold that was never streamed is redacted whole there). Sequence
 * numbers stay strictly increasing ({@link ResponsesSequencedOut}).
 *
 * <p>Blocked: an {@code error} event ({@code {"type":"error","code":"sensitive_data_blocked",
 * "message":…,"param":null,"sequence_number":…}}), the terminal event the API sends when a stream
 * fails, and nothing after it.
 */
public final class ResponsesRedactGate extends StreamRedactGate {

  private static final String TEXT_DELTA = "response.output_text.delta";
  private static final String TEXT_DONE = "response.output_text.done";
  /** The events read as JSON; every other one goes on unread. */
  private static final Set<String> READ = Set.of("response.output_item.added", TEXT_DELTA, TEXT_DONE,
      "response.content_part.done", "response.output_item.done", "response.completed", "response.incomplete",
      "response.failed");

  /** One output_text part: its item's output index and its content index. */
  private record Part(int output, int content) {}

  private final CohereResponsesSseSplitter splitter = new CohereResponsesSseSplitter();
  private final ResponsesSequencedOut sequenced = new ResponsesSequencedOut();
  private final Map<Part, TextStream> parts = new LinkedHashMap<>();
  private final Map<String, Integer> outputIndexByItem = new HashMap<>();
  /** The item id of each part streamed, for the delta that carries what the part held. */
  private final Map<Part, String> itemIds = new HashMap<>();

  public ResponsesRedactGate(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
      FindingListener listener) {
    super(block, redact, log, listener);
  }

  @Override
  void feed(Buffer chunk, Consumer<Buffer> out) {
    splitter.feed(chunk, event -> onEvent(event, out));
  }

  @Override
  void finish(Consumer<Buffer> out) {
    Event rest = splitter.finish();
    if (rest != null) {
      onEvent(rest, out);
    }
    for (Map.Entry<Part, TextStream> entry : parts.entrySet()) {
      if (!flush(entry.getKey(), entry.getValue(), out)) {
        return;
      }
    }
  }

  @Override
  Buffer errorEvent(String message) {
    ObjectNode error = AnswerJson.newObject();
    error.put("type", "error");
    error.put("code", "sensitive_data_blocked");
    error.put("message", message);
    error.putNull("param");
    Buffer bytes = Buffer.buffer();
    sequenced.emit("error", error, bytes::appendBuffer);
    return bytes;
  }

  private void onEvent(Event event, Consumer<Buffer> out) {
    if (stopped()) {
      return;
    }
    ObjectNode json = event.data() == null || (event.name() != null && !READ.contains(event.name()))
        ? null : AnswerJson.object(event.data());
    String type = AnswerJson.text(json, "type");
    switch (type == null ? "" : type) {
      case "response.output_item.added" -> {
        String itemId = AnswerJson.text(json.path("item"), "id");
        Integer index = AnswerJson.integer(json, "output_index");
        if (itemId != null && index != null) {
          outputIndexByItem.put(itemId, index);
        }
        sequenced.pass(event, out);
      }
      case TEXT_DELTA -> onTextDelta(event, json, out);
      case TEXT_DONE -> onTextDone(event, json, out);
      case "response.content_part.done" -> onPartDone(event, json, out);
      case "response.output_item.done" -> {
        Integer index = partOf(json).output();
        rewriteIfChanged(event, json, redactItem(index, json.get("item"), out), out);
      }
      case "response.completed", "response.incomplete", "response.failed" -> onTerminal(event, json, out);
      default -> sequenced.pass(event, out);
    }
  }

  private void onTextDelta(Event event, ObjectNode json, Consumer<Buffer> out) {
    String delta = AnswerJson.text(json, "delta");
    if (delta == null) {
      sequenced.pass(event, out);
      return;
    }
    Part part = partOf(json);
    String itemId = AnswerJson.text(json, "item_id");
    if (itemId != null) {
      itemIds.put(part, itemId);
    }
    String released = parts.computeIfAbsent(part, p -> redaction.newStream()).accept(delta);
    if (stopIfBlocked(out)) {
      return;
    }
    if (released.equals(delta)) {
      sequenced.pass(event, out);
    } else if (!released.isEmpty()) {
      json.put("delta", released);
      sequenced.emit(event.name(), json, out);
    }
  }

  private void onTextDone(Event event, ObjectNode json, Consumer<Buffer> out) {
    Part part = partOf(json);
    String text = AnswerJson.text(json, "text");
    String redacted = fullText(part, text, out);
    if (redacted == null) {
      return;
    }
    if (text != null) {
      json.put("text", redacted);
    }
    rewriteIfChanged(event, json, text != null && !redacted.equals(text), out);
  }

  private void onPartDone(Event event, ObjectNode json, Consumer<Buffer> out) {
    JsonNode part = json.get("part");
    String text = AnswerJson.text(part, "text");
    if (!"output_text".equals(AnswerJson.text(part, "type")) || text == null) {
      sequenced.pass(event, out);
      return;
    }
    String redacted = fullText(partOf(json), text, out);
    if (redacted == null) {
      return;
    }
    ((ObjectNode) part).put("text", redacted);
    rewriteIfChanged(event, json, !redacted.equals(text), out);
  }

  private void onTerminal(Event event, ObjectNode json, Consumer<Buffer> out) {
    boolean changed = false;
    if (json.path("response").get("output") instanceof ArrayNode output) {
      for (int i = 0; i < output.size(); i++) {
        changed |= redactItem(i, output.get(i), out);
        if (stopped()) {
          return;
        }
      }
    }
    rewriteIfChanged(event, json, changed, out);
  }

  /** Puts the redacted text in each output_text of a message item; true when any changed. */
  private boolean redactItem(int outputIndex, JsonNode item, Consumer<Buffer> out) {
    if (!(item instanceof ObjectNode) || !(item.get("content") instanceof ArrayNode content)) {
      return false;
    }
    boolean changed = false;
    for (int i = 0; i < content.size(); i++) {
      JsonNode part = content.get(i);
      String text = AnswerJson.text(part, "text");
      if (!"output_text".equals(AnswerJson.text(part, "type")) || text == null) {
        continue;
      }
      String redacted = fullText(new Part(outputIndex, i), text, out);
      if (redacted == null) {
        return false;
      }
      if (!redacted.equals(text)) {
        ((ObjectNode) part).put("text", redacted);
        changed = true;
      }
    }
    return changed;
  }

  /**
   * The redacted whole text of a part, what it still held sent first as a delta; a part never
   * streamed is redacted whole now. Null when that stopped the answer.
   */
  private String fullText(Part part, String upstreamText, Consumer<Buffer> out) {
    TextStream stream = parts.get(part);
    if (stream == null) {
      stream = redaction.newStream();
      parts.put(part, stream);
      stream.accept(upstreamText == null ? "" : upstreamText);
      stream.finish();
      return stopIfBlocked(out) ? null : stream.released();
    }
    return flush(part, stream, out) ? stream.released() : null;
  }

  /** Sends what a part still holds as a delta; false when that stopped the answer. */
  private boolean flush(Part part, TextStream stream, Consumer<Buffer> out) {
    if (!stream.open()) {
      return true;
    }
    String rest = stream.finish();
    if (stopIfBlocked(out)) {
      return false;
    }
    if (!rest.isEmpty()) {
      ObjectNode delta = AnswerJson.newObject();
      delta.put("type", TEXT_DELTA);
      String itemId = itemIds.get(part);
      if (itemId != null) {
        delta.put("item_id", itemId);
      }
      delta.put("output_index", part.output());
      delta.put("content_index", part.content());
      delta.put("delta", rest);
      delta.putArray("logprobs");
      sequenced.emit(TEXT_DELTA, delta, out);
    }
    return true;
  }

  private void rewriteIfChanged(Event event, ObjectNode json, boolean changed, Consumer<Buffer> out) {
    if (stopped()) {
      return;
    }
    if (changed) {
      sequenced.emit(event.name() != null ? event.name() : json.path("type").asText(), json, out);
    } else {
      sequenced.pass(event, out);
    }
  }

  private Part partOf(ObjectNode json) {
    Integer output = AnswerJson.integer(json, "output_index");
    if (output == null) {
      String itemId = AnswerJson.text(json, "item_id");
      output = itemId == null ? null : outputIndexByItem.get(itemId);
    }
    Integer content = AnswerJson.integer(json, "content_index");
    return new Part(output == null ? -1 : output, content == null ? 0 : content);
  }
}
