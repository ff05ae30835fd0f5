package dev.portcullis.policy.answer.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.AnswerJson;
import dev.portcullis.policy.answer.SseEventSplitter;
import dev.portcullis.policy.answer.SseEventWriter;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@link StreamRedactGate} of an OpenAI chat-completions stream: the text of each choice is
 * {@code choices[i].delta.content}. A chunk keeps its place and its other fields (role, tool calls,
 * logprobs, usage) with its content replaced by what the redactor releases, an empty string while
 * it holds everything (the SDKs' accumulators take empty content). What is still held goes into
 * the chunk that carries the choice's {@code finish_reason}; a choice that never got one is flushed
 * at {@code [DONE]} or the end of the body, in a chunk of the gate's own with the stream's
 * {@code id}, {@code model} and {@code created}.
 *
 * <p>Blocked: {@code data: {"error":{"message":…,"type":"permission_error","param":null,
 * "code":"sensitive_data_blocked"}}}, the event OpenAI sends when a stream fails midway (the SDKs
 * raise it as an error), and nothing after it, not even {@code [DONE]}.
 */
public final class OpenAiChatRedactGate extends StreamRedactGate {

  private final SseEventSplitter splitter = new SseEventSplitter();
  private final Map<Integer, TextStream> choices = new TreeMap<>();
  /** The last chunk with choices: the fields a chunk of the gate's own copies. */
  private ObjectNode template;
  private String lineEnd = "\n";

  public OpenAiChatRedactGate(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
      FindingListener listener) {
    super(block, redact, log, listener);
  }

  @Override
  void feed(Buffer chunk, Consumer<Buffer> out) {
    splitter.feed(chunk, event -> onEvent(event, out));
  }

  @Override
  void finish(Consumer<Buffer> out) {
    splitter.finish(event -> onEvent(event, out));
    flushOpenChoices(out);
  }

  @Override
  Buffer errorEvent(String message) {
    ObjectNode body = AnswerJson.newObject();
    body.putObject("error").put("message", message).put("type", "permission_error").putNull("param")
        .put("code", "sensitive_data_blocked");
    return SseEventWriter.event(null, body, lineEnd);
  }

  private void onEvent(SseEventSplitter.Event event, Consumer<Buffer> out) {
    if (stopped()) {
      return;
    }
    if (event.data() == null) {
      out.accept(event.bytes());
      return;
    }
    lineEnd = event.lineEnd();
    if (event.isDoneMarker()) {
      if (flushOpenChoices(out)) {
        out.accept(event.bytes());
      }
      return;
    }
    ObjectNode chunk = AnswerJson.object(event.data());
    if (chunk == null || !(chunk.get("choices") instanceof ArrayNode choiceList) || choiceList.isEmpty()) {
      // Usage chunks, errors and anything unreadable carry no text.
      out.accept(event.bytes());
      return;
    }
    template = chunk.deepCopy();
    boolean changed = false;
    for (JsonNode node : choiceList) {
      if (node instanceof ObjectNode choice) {
        changed |= redactChoice(choice);
        if (stopIfBlocked(out)) {
          return;
        }
      }
    }
    out.accept(changed ? SseEventWriter.event(null, chunk, lineEnd) : event.bytes());
  }

  /** Puts the released text in place of the choice's content; true when that changed the chunk. */
  private boolean redactChoice(ObjectNode choice) {
    Integer index = AnswerJson.integer(choice, "index");
    int key = index == null ? 0 : index;
    JsonNode delta = choice.get("delta");
    String content = AnswerJson.text(delta, "content");
    boolean finishing = AnswerJson.text(choice, "finish_reason") != null;
    TextStream stream = choices.get(key);
    if (content == null && (!finishing || stream == null)) {
      return false;
    }
    if (stream == null) {
      stream = redaction.newStream();
      choices.put(key, stream);
    }
    String released = content == null ? "" : stream.accept(content);
    if (finishing) {
      released += stream.finish();
    }
    if (released.equals(content) || (content == null && released.isEmpty())) {
      return false;
    }
    if (delta instanceof ObjectNode fields) {
      fields.put("content", released);
    } else {
      choice.putObject("delta").put("content", released);
    }
    return true;
  }

  /** Sends what choices without a finish_reason still hold; false when that stopped the answer. */
  private boolean flushOpenChoices(Consumer<Buffer> out) {
    for (Map.Entry<Integer, TextStream> entry : choices.entrySet()) {
      TextStream stream = entry.getValue();
      if (!stream.open()) {
        continue;
      }
      String rest = stream.finish();
      if (stopIfBlocked(out)) {
        return false;
      }
      if (!rest.isEmpty()) {
        out.accept(SseEventWriter.event(null, textChunk(entry.getKey(), rest), lineEnd));
      }
    }
    return true;
  }

  /** A chunk of the gate's own with one choice's text, its other fields as the stream's chunks have them. */
  private ObjectNode textChunk(int index, String text) {
    ObjectNode chunk = AnswerJson.newObject();
    for (String field : List.of("id", "object", "created", "model", "service_tier", "system_fingerprint")) {
      JsonNode value = template.get(field);
      if (value != null) {
        chunk.set(field, value);
      }
    }
    ObjectNode choice = chunk.putArray("choices").addObject();
    choice.put("index", index);
    choice.putObject("delta").put("content", text);
    choice.putNull("logprobs");
    choice.putNull("finish_reason");
    return chunk;
  }
}
