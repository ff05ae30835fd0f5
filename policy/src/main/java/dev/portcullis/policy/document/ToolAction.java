package dev.portcullis.policy.document;

/** What a tool-invocation rule does with a call it matches. */
public enum ToolAction implements PolicyWord {
  ALLOW("allow", false, false),
  BLOCK("block", true, false),
  /** Blocks, but the rule matches only while the context of the call is untrusted. */
  BLOCK_WHEN_CONTEXT_UNTRUSTED("block_when_context_untrusted", true, true),
  /** Allows, but the rule matches only while the context of the call is untrusted. */
  ALLOW_WHEN_CONTEXT_UNTRUSTED("allow_when_context_untrusted", false, true);

  private final String word;
  private final boolean blocks;
  private final boolean onlyWhenContextUntrusted;

  ToolAction(String word, boolean blocks, boolean onlyWhenContextUntrusted) {
    this.word = word;
    this.blocks = blocks;
    this.onlyWhenContextUntrusted = onlyWhenContextUntrusted;
  }

  @Override
  public String word() {
    return word;
  }

  /** Whether a call this rule matches is blocked (else it is allowed). */
  public boolean blocks() {
    return blocks;
  }

  /** Whether the rule takes part only when the context of the call is untrusted. */
  public boolean onlyWhenContextUntrusted() {
    return onlyWhenContextUntrusted;
  }

  /** Whether the rule takes part in a context that is untrusted or not. */
  public boolean appliesIn(boolean contextUntrusted) {
    return contextUntrusted || !onlyWhenContextUntrusted;
  }
}
