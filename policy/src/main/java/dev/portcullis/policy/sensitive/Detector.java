package dev.portcullis.policy.sensitive;

import java.util.List;

/**
 * Finds one kind of sensitive data in text. Implementations are pure, thread-safe and linear in
 * the length of the text (no regular expression that can backtrack without bound).
 */
public interface Detector {

  /** The name the admin API uses, such as {@code email}; also the redaction placeholder's type. */
  String name();

  /** Every match in {@code text}, in order of start, not overlapping one another. */
  List<Finding> find(CharSequence text);

  /**
   * For streams only: a match of this detector grew past {@link StreamingRedactor#LONG_MATCH_BOUND}
   * and was redacted without its end; {@code rest} is the text that followed. Returns how many of
   * its leading characters still belong to that match, or -1 if all do and the match may go on.
   * Only detectors whose matches can be longer than {@link StreamingRedactor#LOOK_BEHIND} (PEM
   * private keys, JWTs) need more than the default, which says the match is over.
   */
  default int continuation(CharSequence rest) {
    return 0;
  }
}
