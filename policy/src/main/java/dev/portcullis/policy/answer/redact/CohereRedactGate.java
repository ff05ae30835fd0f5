package dev.portcullis.policy.answer.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.AnswerJson;
import dev.portcullis.policy.answer.CohereResponsesSseSplitter;
import dev.portcullis.policy.answer.CohereResponsesSseSplitter.Event;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@link StreamRedactGate} of a streamed Cohere v2 chat answer: the text of each content block
 * (by {@code index}) is its {@code content-delta}s' {@code delta.message.content.text}. A delta
 * carries the text the redactor releases and is left out while it releases nothing; what is still
 * held goes in a {@code content-delta} of the gate's own just before the block's
 * {@code content-end} (or before {@code message-end} or the end of the body, for a block never
 * ended). Thinking, the tool plan, tool calls and every other event go on in their own bytes.
 *
 * <p>Blocked: Cohere has no error event in its stream; a failed generation ends with
 * {@code message-end} whose {@code delta.finish_reason} is {@code ERROR} and whose
 * {@code delta.error} says why (the v2 {@code ChatMessageEndEventDelta}). The gate sends that, with
 * the stream's id, and nothing after it.
 */
public final class CohereRedactGate extends StreamRedactGate {

  /** The events read as JSON; every other one goes on unread. */
  private static final Set<String> READ = Set.of("message-start", "content-delta", "content-end", "message-end");

  private final CohereResponsesSseSplitter splitter = new CohereResponsesSseSplitter();
  private final Map<Integer, TextStream> blocks = new TreeMap<>();
  private String messageId;

  public CohereRedactGate(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
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
    if (!stopped()) {
      flushOpenBlocks(out);
    }
  }

  @Override
  Buffer errorEvent(String message) {
    ObjectNode end = AnswerJson.newObject();
    if (messageId != null) {
      end.put("id", messageId);
    }
    end.put("type", "message-end");
    end.putObject("delta").put("finish_reason", "ERROR").put("error", message);
    return CohereResponsesSseSplitter.write("message-end", AnswerJson.encode(end));
  }

  private void onEvent(Event event, Consumer<Buffer> out) {
    if (stopped()) {
      return;
    }
    ObjectNode json = event.data() == null || (event.name() != null && !READ.contains(event.name()))
        ? null : AnswerJson.object(event.data());
    String type = AnswerJson.text(json, "type");
    switch (type == null ? "" : type) {
      case "message-start" -> {
        messageId = AnswerJson.text(json, "id");
        out.accept(event.raw());
      }
      case "content-delta" -> onContentDelta(event, json, out);
      case "content-end" -> {
        Integer index = AnswerJson.integer(json, "index");
        if (index == null || flush(index, blocks.get(index), out)) {
          out.accept(event.raw());
        }
      }
      case "message-end" -> {
        if (flushOpenBlocks(out)) {
          out.accept(event.raw());
        }
      }
      default -> out.accept(event.raw());
    }
  }

  private void onContentDelta(Event event, ObjectNode json, Consumer<Buffer> out) {
    Integer index = AnswerJson.integer(json, "index");
    JsonNode content = json.path("delta").path("message").path("content");
    String text = AnswerJson.text(content, "text");
    if (index == null || text == null) {
      out.accept(event.raw());
      return;
    }
    String released = blocks.computeIfAbsent(index, i -> redaction.newStream()).accept(text);
    if (stopIfBlocked(out)) {
      return;
    }
    if (released.equals(text)) {
      out.accept(event.raw());
    } else if (!released.isEmpty()) {
      ((ObjectNode) content).put("text", released);
      out.accept(CohereResponsesSseSplitter.write(event.name(), AnswerJson.encode(json)));
    }
  }

  /** Sends what every block still holds; false when that stopped the answer. */
  private boolean flushOpenBlocks(Consumer<Buffer> out) {
    for (Map.Entry<Integer, TextStream> entry : blocks.entrySet()) {
      if (!flush(entry.getKey(), entry.getValue(), out)) {
        return false;
      }
    }
    return true;
  }

  /** Sends what one block still holds as a content-delta; false when that stopped the answer. */
  private boolean flush(int index, TextStream stream, Consumer<Buffer> out) {
    if (stream == null || !stream.open()) {
      return true;
    }
    String rest = stream.finish();
    if (stopIfBlocked(out)) {
      return false;
    }
    if (!rest.isEmpty()) {
      ObjectNode delta = AnswerJson.newObject();
      delta.put("type", "content-delta");
      delta.put("index", index);
      delta.putObject("delta").putObject("message").putObject("content").put("text", rest);
      out.accept(CohereResponsesSseSplitter.write("content-delta", AnswerJson.encode(delta)));
    }
    return true;
  }
}
