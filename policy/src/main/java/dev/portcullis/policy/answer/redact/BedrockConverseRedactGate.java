package dev.portcullis.policy.answer.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.stream.eventstream.EventStreamDecoder;
import dev.portcullis.common.stream.eventstream.EventStreamEncoder;
import dev.portcullis.common.stream.eventstream.EventStreamFormatException;
import dev.portcullis.common.stream.eventstream.EventStreamFrame;
import dev.portcullis.common.stream.eventstream.EventStreamMessage;
import dev.portcullis.policy.answer.AnswerJson;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The {@link StreamRedactGate} of a Bedrock ConverseStream answer (AWS event-stream frames): the
 * text of each content block (by {@code contentBlockIndex}) is its {@code contentBlockDelta}s'
 * {@code delta.text}. A delta frame is written anew (same headers, fresh CRCs, its other payload
 * fields such as the {@code p} padding kept) with the text the redactor releases, and left out
 * while it releases nothing; what is still held goes in a {@code contentBlockDelta} frame of the
 * gate's own just before the block's {@code contentBlockStop} (or before {@code messageStop} or the
 * end of the body, for a block never stopped). Tool input, reasoning, metadata and every other
 * frame go on in their own bytes.
 *
 * <p>Blocked: an exception frame ({@code :message-type} {@code exception}, {@code :exception-type}
 * {@code validationException}, payload {@code {"message":…}}), which the AWS SDKs raise as the
 * stream's {@code ValidationException} (a client error, not retried), and nothing after it.
 *
 * <p>Bytes that are not an event stream from the start (an error body) go on as they came; a
 * stream that turns corrupt later is cut there (its frames can no longer be found, and a client
 * SDK fails at the corruption anyway).
 */
public final class BedrockConverseRedactGate extends StreamRedactGate {

  static final String BLOCK_EXCEPTION = "validationException";

  private final EventStreamDecoder decoder;
  private final Map<Integer, TextStream> blocks = new TreeMap<>();
  /** Every byte so far while no frame has been read: what goes on if the body is no event stream. */
  private Buffer beforeFirstFrame = Buffer.buffer();
  private boolean broken;
  private Consumer<Buffer> out;

  public BedrockConverseRedactGate(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
      FindingListener listener) {
    super(block, redact, log, listener);
    this.decoder = new EventStreamDecoder(this::onFrame);
  }

  @Override
  void feed(Buffer chunk, Consumer<Buffer> downstream) {
    out = downstream;
    if (broken) {
      if (beforeFirstFrame != null) {
        downstream.accept(chunk);
      }
      return;
    }
    if (beforeFirstFrame != null) {
      beforeFirstFrame.appendBuffer(chunk);
    }
    try {
      decoder.feed(chunk);
    } catch (EventStreamFormatException e) {
      onBroken();
    }
  }

  @Override
  void finish(Consumer<Buffer> downstream) {
    out = downstream;
    if (!broken) {
      try {
        decoder.end();
      } catch (EventStreamFormatException e) {
        onBroken();
      }
    }
    if (!stopped()) {
      flushOpenBlocks();
    }
  }

  @Override
  Buffer errorEvent(String message) {
    ObjectNode payload = AnswerJson.newObject();
    payload.put("message", message);
    return EventStreamEncoder.encode(EventStreamMessage.exception(BLOCK_EXCEPTION, AnswerJson.encodeBuffer(payload)));
  }

  private void onBroken() {
    broken = true;
    if (beforeFirstFrame != null) {
      out.accept(beforeFirstFrame);
    }
  }

  private void onFrame(EventStreamFrame frame) {
    beforeFirstFrame = null;
    if (stopped()) {
      return;
    }
    EventStreamMessage message = frame.message();
    String type = "event".equals(message.messageType()) ? message.eventType() : null;
    switch (type == null ? "" : type) {
      case "contentBlockDelta" -> onBlockDelta(frame);
      case "contentBlockStop" -> {
        Integer index = AnswerJson.integer(AnswerJson.object(message.payload()), "contentBlockIndex");
        if (index == null || flush(index, blocks.get(index))) {
          out.accept(frame.raw());
        }
      }
      case "messageStop" -> {
        if (flushOpenBlocks()) {
          out.accept(frame.raw());
        }
      }
      default -> out.accept(frame.raw());
    }
  }

  private void onBlockDelta(EventStreamFrame frame) {
    ObjectNode payload = AnswerJson.object(frame.message().payload());
    Integer index = AnswerJson.integer(payload, "contentBlockIndex");
    JsonNode delta = payload == null ? null : payload.get("delta");
    String text = AnswerJson.text(delta, "text");
    if (index == null || text == null) {
      out.accept(frame.raw());
      return;
    }
    String released = blocks.computeIfAbsent(index, i -> redaction.newStream()).accept(text);
    if (stopIfBlocked(out)) {
      return;
    }
    if (released.equals(text)) {
      out.accept(frame.raw());
    } else if (!released.isEmpty()) {
      ((ObjectNode) delta).put("text", released);
      out.accept(EventStreamEncoder.encode(new EventStreamMessage(frame.message().headers(),
          AnswerJson.encodeBuffer(payload))));
    }
  }

  /** Sends what every block still holds; false when that stopped the answer. */
  private boolean flushOpenBlocks() {
    for (Map.Entry<Integer, TextStream> entry : blocks.entrySet()) {
      if (!flush(entry.getKey(), entry.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Sends what one block still holds as a contentBlockDelta frame; false when that stopped the answer. */
  private boolean flush(int index, TextStream stream) {
    if (stream == null || !stream.open()) {
      return true;
    }
    String rest = stream.finish();
    if (stopIfBlocked(out)) {
      return false;
    }
    if (!rest.isEmpty()) {
      ObjectNode delta = AnswerJson.newObject();
      delta.putObject("delta").put("text", rest);
      delta.put("contentBlockIndex", index);
      out.accept(EventStreamEncoder.encode(EventStreamMessage.event("contentBlockDelta", AnswerJson.encodeBuffer(delta))));
    }
    return true;
  }
}
