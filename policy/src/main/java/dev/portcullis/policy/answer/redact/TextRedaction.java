package dev.portcullis.policy.answer.redact;

import dev.portcullis.policy.document.SensitiveAction;
import dev.portcullis.policy.sensitive.Detector;
import dev.portcullis.policy.sensitive.Finding;
import dev.portcullis.policy.sensitive.SensitiveScanner;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The sensitive-data rules of one streamed answer and what they have found so far: the counts by
 * detector, and the detector that stopped the answer, if one did. Makes the {@link TextStream}s of
 * the answer's texts (one per choice, content block or candidate).
 *
 * <p>{@code block} and {@code redact} detectors run together in one {@link
 * dev.portcullis.policy.sensitive.StreamingRedactor} per text, so that a secret to block is held
 * exactly like one to redact and no byte of it is released before it is known; a finding of a
 * {@code block} detector then stops the answer. {@code log} detectors run in a second redactor
 * over the same text whose output is thrown away: they only count, and the text goes on as it is.
 * Overlapping findings are merged by the scanner and named after the one that starts first, so a
 * secret to block inside a longer match to redact is redacted, not blocked.
 */
final class TextRedaction {

  private final SensitiveScanner replacing;
  private final Set<String> blocking;
  private final SensitiveScanner logging;
  private final FindingListener listener;
  private final Map<String, Integer> redacted = new TreeMap<>();
  private final Map<String, Integer> logged = new TreeMap<>();
  private String blockedBy;

  /** Each scanner holds the detectors set to that action; null or empty: none. A detector in both block and redact blocks. */
  TextRedaction(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log, FindingListener listener) {
    Map<String, Detector> byName = new LinkedHashMap<>();
    detectors(block).forEach(d -> byName.putIfAbsent(d.name(), d));
    detectors(redact).forEach(d -> byName.putIfAbsent(d.name(), d));
    this.replacing = byName.isEmpty() ? null : new SensitiveScanner(new ArrayList<>(byName.values()));
    this.blocking = detectors(block).stream().map(Detector::name).collect(Collectors.toUnmodifiableSet());
    this.logging = detectors(log).isEmpty() ? null : log;
    this.listener = listener == null ? FindingListener.NONE : listener;
  }

  /** Whether there are no rules at all: the gate then passes every byte on as it comes. */
  boolean isEmpty() {
    return replacing == null && logging == null;
  }

  TextStream newStream() {
    return new TextStream(replacing, this::onReplaced, logging, this::onLogged);
  }

  /** A whole text at once (one that was never streamed), as a stream of one delta would redact it. */
  String redactWhole(String text) {
    TextStream stream = newStream();
    stream.accept(text);
    stream.finish();
    return stream.released();
  }

  /** The detector whose finding stopped the answer, or null. */
  String blockedBy() {
    return blockedBy;
  }

  Map<String, Integer> redacted() {
    return Collections.unmodifiableMap(new TreeMap<>(redacted));
  }

  Map<String, Integer> logged() {
    return Collections.unmodifiableMap(new TreeMap<>(logged));
  }

  /** What the client is told when its answer is stopped: the detector, never the data. */
  static String blockMessage(String detector) {
    return "Portcullis stopped this answer: it contained sensitive data (" + detector + ").";
  }

  private void onReplaced(Finding finding) {
    String detector = finding.detector();
    if (blocking.contains(detector)) {
      if (blockedBy == null) {
        blockedBy = detector;
        listener.found(SensitiveAction.BLOCK, detector);
      }
      return;
    }
    redacted.merge(detector, 1, Integer::sum);
    listener.found(SensitiveAction.REDACT, detector);
  }

  private void onLogged(Finding finding) {
    logged.merge(finding.detector(), 1, Integer::sum);
    listener.found(SensitiveAction.LOG, finding.detector());
  }

  private static List<Detector> detectors(SensitiveScanner scanner) {
    return scanner == null ? List.of() : scanner.detectors();
  }
}
