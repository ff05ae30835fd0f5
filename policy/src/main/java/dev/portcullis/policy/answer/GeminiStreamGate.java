package dev.portcullis.policy.answer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * The {@link StreamGate} of a Gemini {@code streamGenerateContent} answer, in either of its
 * framings: SSE ({@code alt=sse}, one {@code data:} event per chunk) or one JSON array written an
 * element at a time.
 *
 * <p>Gemini sends each function call whole, inside one chunk, so nothing is held across chunks: a
 * chunk is passed on, as it came, as soon as it is whole, unless it holds a {@code functionCall}
 * part that is blocked; that chunk is rewritten with {@link GeminiAnswerRewriter} (the part
 * replaced by a text part with the judge's message). Text never waits for anything but the end of
 * its own chunk. Framing between array elements goes on as soon as it arrives.
 */
public final class GeminiStreamGate implements StreamGate {

  private final ToolCallJudge judge;
  private final SseEventSplitter sse;
  private final GeminiArrayElementSlicer array;
  private int blockedCalls;

  private GeminiStreamGate(ToolCallJudge judge, boolean sse) {
    this.judge = judge;
    this.sse = sse ? new SseEventSplitter() : null;
    this.array = sse ? null : new GeminiArrayElementSlicer();
  }

  /** For a stream asked for with {@code alt=sse}. */
  public static GeminiStreamGate sse(ToolCallJudge judge) {
    return new GeminiStreamGate(judge, true);
  }

  /** For a stream asked for without {@code alt=sse}: one JSON array of responses. */
  public static GeminiStreamGate jsonArray(ToolCallJudge judge) {
    return new GeminiStreamGate(judge, false);
  }

  @Override
  public void accept(Buffer chunk, Consumer<Buffer> out) {
    if (sse != null) {
      sse.feed(chunk, event -> onEvent(event, out));
    } else {
      array.feed(chunk, sink(out));
    }
  }

  @Override
  public void end(Consumer<Buffer> out) {
    if (sse != null) {
      sse.finish(event -> onEvent(event, out));
    } else {
      array.finish(sink(out));
    }
  }

  @Override
  public int blockedCalls() {
    return blockedCalls;
  }

  private void onEvent(SseEventSplitter.Event event, Consumer<Buffer> out) {
    ObjectNode response = event.data() == null ? null : AnswerJson.object(event.data());
    if (response == null || !rewrite(response)) {
      out.accept(event.bytes());
      return;
    }
    out.accept(SseEventWriter.event(event.name(), response, event.lineEnd()));
  }

  private GeminiArrayElementSlicer.Sink sink(Consumer<Buffer> out) {
    return new GeminiArrayElementSlicer.Sink() {
      @Override
      public void framing(Buffer bytes) {
        out.accept(bytes);
      }

      @Override
      public void element(Buffer bytes) {
        ObjectNode response = AnswerJson.object(bytes);
        out.accept(response != null && rewrite(response) ? AnswerJson.encodeBuffer(response) : bytes);
      }
    };
  }

  /** Replaces the blocked calls of one chunk in place; true when there were any. */
  private boolean rewrite(ObjectNode response) {
    int blocked = GeminiAnswerRewriter.rewriteCalls(response, judge);
    blockedCalls += blocked;
    return blocked > 0;
  }
}
