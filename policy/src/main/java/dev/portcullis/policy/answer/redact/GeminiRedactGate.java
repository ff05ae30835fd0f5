package dev.portcullis.policy.answer.redact;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.answer.AnswerJson;
import dev.portcullis.policy.answer.GeminiArrayElementSlicer;
import dev.portcullis.policy.answer.SseEventSplitter;
import dev.portcullis.policy.answer.SseEventWriter;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * The {@link StreamRedactGate} of a Gemini {@code streamGenerateContent} answer, in either framing
 * (SSE with {@code alt=sse}, or one JSON array written an element at a time). Each chunk's text
 * parts are redacted in place ({@link GeminiChunkRedaction}): the chunk keeps its place and its
 * other parts and fields, with the text the redactor releases (an empty {@code text} while it holds
 * everything). What a candidate still holds goes into its chunk that carries a
 * {@code finishReason}; a candidate that never got one is flushed in a chunk of the gate's own at
 * the end of the stream (before the array's closing bracket).
 *
 * <p>Blocked: a chunk that is Gemini's error object ({@code {"error":{"code":403,"message":…,
 * "status":"PERMISSION_DENIED"}}}; the SDKs check every chunk for {@code error} and raise it), then
 * the array's closing bracket in the array framing, and nothing more.
 */
public final class GeminiRedactGate extends StreamRedactGate {

  private final SseEventSplitter sse;
  private final GeminiArrayElementSlicer array;
  private final GeminiChunkRedaction chunks;
  private String lineEnd = "\n";
  /** Whether an element of the array has gone to the client: one of the gate's own then needs a comma. */
  private boolean elementSent;
  /** Whether the framing sent since the last element holds its comma: an element of the gate's own then needs none. */
  private boolean commaSent;

  private GeminiRedactGate(boolean sse, SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
      FindingListener listener) {
    super(block, redact, log, listener);
    this.sse = sse ? new SseEventSplitter() : null;
    this.array = sse ? null : new GeminiArrayElementSlicer();
    this.chunks = new GeminiChunkRedaction(redaction);
  }

  /** For a stream asked for with {@code alt=sse}. */
  public static GeminiRedactGate sse(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
      FindingListener listener) {
    return new GeminiRedactGate(true, block, redact, log, listener);
  }

  /** For a stream asked for without {@code alt=sse}: one JSON array of responses. */
  public static GeminiRedactGate jsonArray(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log,
      FindingListener listener) {
    return new GeminiRedactGate(false, block, redact, log, listener);
  }

  @Override
  void feed(Buffer chunk, Consumer<Buffer> out) {
    if (sse != null) {
      sse.feed(chunk, event -> onEvent(event, out));
    } else {
      array.feed(chunk, sink(out));
    }
  }

  @Override
  void finish(Consumer<Buffer> out) {
    if (sse != null) {
      sse.finish(event -> onEvent(event, out));
      ObjectNode rest = chunks.flushOpen();
      if (!stopIfBlocked(out) && rest != null) {
        out.accept(SseEventWriter.event(null, rest, lineEnd));
      }
    } else {
      array.finish(sink(out));
      // An array cut before its closing bracket: what is held still goes, as an element.
      ObjectNode rest = chunks.flushOpen();
      if (!stopIfBlocked(out) && rest != null) {
        out.accept(element(rest));
      }
    }
  }

  @Override
  Buffer errorEvent(String message) {
    ObjectNode body = AnswerJson.newObject();
    body.putObject("error").put("code", 403).put("message", message).put("status", "PERMISSION_DENIED");
    if (sse != null) {
      return SseEventWriter.event(null, body, lineEnd);
    }
    return element(body).appendString("]");
  }

  private void onEvent(SseEventSplitter.Event event, Consumer<Buffer> out) {
    if (stopped()) {
      return;
    }
    lineEnd = event.lineEnd();
    ObjectNode response = event.data() == null ? null : AnswerJson.object(event.data());
    boolean changed = response != null && chunks.redact(response);
    if (stopIfBlocked(out)) {
      return;
    }
    out.accept(changed ? SseEventWriter.event(event.name(), response, lineEnd) : event.bytes());
  }

  private GeminiArrayElementSlicer.Sink sink(Consumer<Buffer> out) {
    return new GeminiArrayElementSlicer.Sink() {
      @Override
      public void framing(Buffer bytes) {
        if (!stopped()) {
          onFraming(bytes, out);
        }
      }

      @Override
      public void element(Buffer bytes) {
        if (stopped()) {
          return;
        }
        ObjectNode response = AnswerJson.object(bytes);
        boolean changed = response != null && chunks.redact(response);
        if (stopIfBlocked(out)) {
          return;
        }
        elementSent = true;
        commaSent = false;
        out.accept(changed ? AnswerJson.encodeBuffer(response) : bytes);
      }
    };
  }

  /** Framing goes on as it came, but what is still held goes in an element of its own before the closing bracket. */
  private void onFraming(Buffer bytes, Consumer<Buffer> out) {
    String text = bytes.toString(StandardCharsets.UTF_8);
    int closing = text.lastIndexOf(']');
    if (closing < 0 || !chunks.anyOpen()) {
      commaSent |= text.indexOf(',') >= 0;
      out.accept(bytes);
      return;
    }
    ObjectNode rest = chunks.flushOpen();
    if (stopIfBlocked(out)) {
      return;
    }
    if (rest == null) {
      out.accept(bytes);
      return;
    }
    out.accept(Buffer.buffer(text.substring(0, closing)).appendBuffer(element(rest)).appendString(text.substring(closing)));
  }

  /** An element of the gate's own, after a comma when another came before it. */
  private Buffer element(ObjectNode json) {
    Buffer bytes = Buffer.buffer(elementSent && !commaSent ? "," : "");
    elementSent = true;
    commaSent = false;
    return bytes.appendBuffer(AnswerJson.encodeBuffer(json));
  }
}
