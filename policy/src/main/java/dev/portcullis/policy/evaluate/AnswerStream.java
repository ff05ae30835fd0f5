package dev.portcullis.policy.evaluate;

import dev.portcullis.policy.answer.StreamGate;
import dev.portcullis.policy.answer.redact.StreamRedactGate;
import java.util.Map;

/**
 * What a streamed answer goes through: {@code gate} (tool calls judged, then text redacted), and
 * the text's sensitive-data gate on its own, to ask what it found and whether it stopped the
 * stream; null when the proxy has no answer-side sensitive-data rules.
 *
 * @param ruleOfDetector the answer-side rule id of each detector, to name the rule that stopped it
 */
public record AnswerStream(StreamGate gate, StreamRedactGate text, Map<String, String> ruleOfDetector) {

  /** The rule that stopped the stream for a secret in its text, or null while it goes on. */
  public String stoppedBy() {
    return text == null || text.blockedBy() == null ? null : ruleOfDetector.get(text.blockedBy());
  }
}
