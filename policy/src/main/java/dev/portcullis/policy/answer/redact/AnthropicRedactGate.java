package dev.portcullis.policy.answer.redact;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.AnswerJson;
import dev.portcullis.policy.answer.SseEventSplitter;
import dev.portcullis.policy.answer.SseEventWriter;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@link StreamRedactGate} of an Anthropic Messages stream: the text of each content block
 * (by {@code index}) is its {@code text_delta}s. A {@code content_block_delta} carries the text the
 * redactor releases, and is left out while it releases nothing; what is still held goes in a
 * {@code text_delta} of the gate's own just before the block's {@code content_block_stop} (or
 * before {@code message_delta}, {@code message_stop} or the end of the body, for a block never
 * stopped). Thinking, tool input and every other event go on in their own bytes.
 *
 * <p>Blocked: {@code event: error} with {@code {"type":"error","error":{"type":"permission_error",
 * "message":…}}}, the event Anthropic sends when a stream fails midway (the SDKs raise it), and
 * nothing after it.
 */
public final class AnthropicRedactGate extends StreamRedactGate {

  private final SseEventSplitter splitter = new SseEventSplitter();
  private final Map<Integer, TextStream> blocks = new TreeMap<>();
  private String lineEnd = "\n";

  public AnthropicRedactGate(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
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
    flushOpenBlocks(out);
  }

  @Override
  Buffer errorEvent(String message) {
    ObjectNode body = AnswerJson.newObject();
    body.put("type", "error");
    body.putObject("error").put("type", "permission_error").put("message", message);
    return SseEventWriter.event("error", body, lineEnd);
  }

  private void onEvent(SseEventSplitter.Event event, Consumer<Buffer> out) {
    if (stopped()) {
      return;
    }
    ObjectNode data = event.data() == null ? null : AnswerJson.object(event.data());
    if (data == null) {
      out.accept(event.bytes());
      return;
    }
    lineEnd = event.lineEnd();
    String type = AnswerJson.text(data, "type");
    switch (type != null ? type : String.valueOf(event.name())) {
      case "content_block_start" -> onBlockStart(event, data, out);
      case "content_block_delta" -> onBlockDelta(event, data, out);
      case "content_block_stop" -> {
        Integer index = AnswerJson.integer(data, "index");
        if (index == null || flush(index, blocks.get(index), out)) {
          out.accept(event.bytes());
        }
      }
      case "message_delta", "message_stop" -> {
        if (flushOpenBlocks(out)) {
          out.accept(event.bytes());
        }
      }
      default -> out.accept(event.bytes());
    }
  }

  /** A text block may start with text of its own (it does not in practice): that text is the first delta. */
  private void onBlockStart(SseEventSplitter.Event event, ObjectNode data, Consumer<Buffer> out) {
    Integer index = AnswerJson.integer(data, "index");
    String text = AnswerJson.text(data.path("content_block"), "text");
    if (index == null || text == null || text.isEmpty()) {
      out.accept(event.bytes());
      return;
    }
    String released = stream(index).accept(text);
    if (stopIfBlocked(out)) {
      return;
    }
    if (released.equals(text)) {
      out.accept(event.bytes());
      return;
    }
    ((ObjectNode) data.get("content_block")).put("text", released);
    out.accept(SseEventWriter.event(event.name(), data, lineEnd));
  }

  private void onBlockDelta(SseEventSplitter.Event event, ObjectNode data, Consumer<Buffer> out) {
    Integer index = AnswerJson.integer(data, "index");
    String text = AnswerJson.text(data.get("delta"), "text");
    if (index == null || text == null || !"text_delta".equals(AnswerJson.text(data.get("delta"), "type"))) {
      out.accept(event.bytes());
      return;
    }
    String released = stream(index).accept(text);
    if (stopIfBlocked(out)) {
      return;
    }
    if (released.equals(text)) {
      out.accept(event.bytes());
    } else if (!released.isEmpty()) {
      ((ObjectNode) data.get("delta")).put("text", released);
      out.accept(SseEventWriter.event(event.name(), data, lineEnd));
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

  /** Sends what one block still holds as a text_delta; false when that stopped the answer. */
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
      delta.put("type", "content_block_delta");
      delta.put("index", index);
      delta.putObject("delta").put("type", "text_delta").put("text", rest);
      out.accept(SseEventWriter.event("content_block_delta", delta, lineEnd));
    }
    return true;
  }

  private TextStream stream(int index) {
    return blocks.computeIfAbsent(index, i -> redaction.newStream());
  }
}
