package dev.portcullis.policy.document;

/** A value the policy document spells as one lowercase word, such as {@code block}. */
public interface PolicyWord {

  /** The word as the document writes it. */
  String word();
}
