package dev.portcullis.policy.answer.redact;

import dev.portcullis.policy.sensitive.Finding;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import dev.portcullis.policy.sensitive.StreamingRedactor;
import java.util.function.Consumer;

/**
 * One text of a streamed answer (a choice, a content block, a candidate) as its deltas arrive:
 * each delta is replaced by the redacted text that is safe to release now. Keeps everything it
 * released, for the events that repeat the whole text (Responses' {@code .done} events).
 *
 * <p>Latency: while block or redact detectors are set, the last {@link
 * StreamingRedactor#LOOK_BEHIND} characters of the text are held back (a match still arriving
 * cannot reach further back), and a private key or JWT that has begun is held whole up to {@link
 * StreamingRedactor#LONG_MATCH_BOUND} characters; the client gets them a few deltas later, or when
 * the text ends ({@link #finish}). With log detectors alone nothing is held: each delta goes on as
 * it came.
 */
final class TextStream {

  private final SensitiveScanner replacing;
  private final Consumer<Finding> onReplaced;
  private final SensitiveScanner logging;
  private final Consumer<Finding> onLogged;
  private final StringBuilder released = new StringBuilder();
  private StreamingRedactor redactor;
  private StreamingRedactor logCounter;
  private boolean open;

  TextStream(SensitiveScanner replacing, Consumer<Finding> onReplaced, SensitiveScanner logging,
      Consumer<Finding> onLogged) {
    this.replacing = replacing;
    this.onReplaced = onReplaced;
    this.logging = logging;
    this.onLogged = onLogged;
  }

  /** The next delta; returns what may go to the client now in its place (may be empty). */
  String accept(String delta) {
    if (!open) {
      // The first delta, or one after the text was finished (a malformed stream): a new text.
      open = true;
      redactor = replacing == null ? null : new StreamingRedactor(replacing, onReplaced);
      logCounter = logging == null ? null : new StreamingRedactor(logging, onLogged);
    }
    if (logCounter != null) {
      logCounter.accept(delta);
    }
    String out = redactor == null ? delta : redactor.accept(delta);
    released.append(out);
    return out;
  }

  /** The text ended: what was still held, redacted (empty when nothing was). */
  String finish() {
    if (!open) {
      return "";
    }
    open = false;
    if (logCounter != null) {
      logCounter.finish();
    }
    String out = redactor == null ? "" : redactor.finish();
    released.append(out);
    return out;
  }

  /** Whether deltas have come since the last {@link #finish}: something may be held. */
  boolean open() {
    return open;
  }

  /** Everything released so far: the redacted text as the client has it. */
  String released() {
    return released.toString();
  }
}
