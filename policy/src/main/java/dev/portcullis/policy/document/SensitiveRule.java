package dev.portcullis.policy.document;

/**
 * A sensitive-data rule: what happens when {@code detector} (a name
 * {@link dev.portcullis.policy.sensitive.Detectors} knows) finds something in what is sent
 * upstream, in the answer, or in both. A document has at most one rule per detector and side.
 *
 * @param id the label the document gives the rule, or null (its id is then its position)
 */
public record SensitiveRule(String id, String detector, SensitiveAction action, Direction direction) {

  public SensitiveRule {
    if (detector == null || action == null || direction == null) {
      throw new IllegalArgumentException("a sensitive-data rule needs a detector, an action and a direction");
    }
  }

  public static SensitiveRule of(String detector, SensitiveAction action) {
    return new SensitiveRule(null, detector, action, Direction.REQUEST);
  }
}
