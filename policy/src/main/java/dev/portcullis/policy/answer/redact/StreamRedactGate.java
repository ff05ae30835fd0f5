package dev.portcullis.policy.answer.redact;

import dev.portcullis.policy.answer.StreamGate;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A {@link StreamGate} that applies the sensitive-data rules of a proxy to the text of a streamed
 * answer, one subclass per API family. Each text of the answer (a choice, a content block, a
 * candidate) goes through its own {@link dev.portcullis.policy.sensitive.StreamingRedactor}: each
 * text delta is replaced by the redacted text the redactor releases, and what it still holds is
 * sent, in a delta of the gate's own, just before the event that ends that text.
 *
 * <ul>
 *   <li>{@code redact}: findings become typed placeholders ({@code [REDACTED:email]});</li>
 *   <li>{@code log}: findings are counted ({@link #logged()}), the text is left as it is;</li>
 *   <li>{@code block}: the gate sends the API's own error event for a failed stream, naming the
 *       detector and never the data, and then nothing more ({@link #blockedBy()}).</li>
 * </ul>
 *
 * <p>The trade-off: text is delayed by up to {@link
 * dev.portcullis.policy.sensitive.StreamingRedactor#LOOK_BEHIND} characters per text (more while a
 * private key or JWT may be arriving), since what has just arrived may be the start of a match; so
 * while block or redact rules are set most text events are written anew, carrying text that came
 * earlier, and those that carry nothing yet are left out (or sent with empty text where the API's
 * SDKs expect one event per chunk). Events that carry no text (tool calls, usage, metadata) and
 * text events whose text comes out unchanged go on in their own bytes. Without any rule the gate
 * passes every byte on as it comes. Not thread-safe: one per stream, on one event loop.
 */
public abstract class StreamRedactGate implements StreamGate {

  final TextRedaction redaction;
  private boolean errorSent;

  /** Each scanner holds the detectors set to that action; null or empty: none. */
  StreamRedactGate(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log, FindingListener listener) {
    this.redaction = new TextRedaction(block, redact, log, listener);
  }

  @Override
  public final void accept(Buffer chunk, Consumer<Buffer> out) {
    if (redaction.isEmpty()) {
      out.accept(chunk);
    } else if (!stopped()) {
      feed(chunk, out);
    }
  }

  @Override
  public final void end(Consumer<Buffer> out) {
    if (!redaction.isEmpty() && !stopped()) {
      finish(out);
    }
  }

  /** This gate blocks no tool calls: see the tool-call gates, and {@link dev.portcullis.policy.answer.StreamGates#chain}. */
  @Override
  public int blockedCalls() {
    return 0;
  }

  /** The detector whose finding stopped the answer, or null while it has not been stopped. */
  public String blockedBy() {
    return redaction.blockedBy();
  }

  /** Findings replaced by placeholders so far, by detector. */
  public Map<String, Integer> redacted() {
    return redaction.redacted();
  }

  /** Findings only counted so far, by detector. */
  public Map<String, Integer> logged() {
    return redaction.logged();
  }

  /** Whether the answer has been stopped: everything from here on is dropped. */
  final boolean stopped() {
    return errorSent;
  }

  /**
   * To be called after text went through the redaction: when a block finding was made, sends the
   * error event (once) and returns true, and the caller sends nothing of what it was working on.
   */
  final boolean stopIfBlocked(Consumer<Buffer> out) {
    String detector = redaction.blockedBy();
    if (detector == null) {
      return false;
    }
    if (!errorSent) {
      errorSent = true;
      out.accept(errorEvent(TextRedaction.blockMessage(detector)));
    }
    return true;
  }

  /** The next bytes, while the answer goes on. */
  abstract void feed(Buffer chunk, Consumer<Buffer> out);

  /** The upstream's answer ended: what is still held goes out. */
  abstract void finish(Consumer<Buffer> out);

  /** The API's own event for a stream that failed, carrying {@code message}. */
  abstract Buffer errorEvent(String message);
}
