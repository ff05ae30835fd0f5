package dev.portcullis.policy.answer.redact;

import dev.portcullis.policy.document.SensitiveAction;

/**
 * Told of each sensitive-data finding in a streamed answer: what was done about it and which
 * detector found it, never the data itself. Called on the gate's event loop, as the finding is
 * made (a finding is made when the text around it is released, or at the end of its text).
 */
@FunctionalInterface
public interface FindingListener {

  FindingListener NONE = (action, detector) -> { };

  void found(SensitiveAction action, String detector);
}
