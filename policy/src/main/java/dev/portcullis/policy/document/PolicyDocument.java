package dev.portcullis.policy.document;

import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The policy document of one LLM proxy: tool-invocation rules, trusted data and sensitive data.
 * Immutable. {@link PolicyDocumentParser} reads one strictly; {@link #toJson()} writes the
 * canonical form (what the admin API answers and stores, defaults written out).
 *
 * <p><b>Tool invocation.</b> For a tool call the model asks for, the rules are read in order and
 * the first rule that matches decides: {@code allow} and {@code allow_when_context_untrusted} let
 * the call through, {@code block} and {@code block_when_context_untrusted} block it. A rule
 * matches when its {@code tool} glob matches the whole tool name, its argument condition (when it
 * has one) holds for at least one value its JSON path finds, and, for the two
 * {@code *_when_context_untrusted} actions, the context of the call is untrusted. A call no rule
 * matches is allowed. Arguments that are not readable JSON (broken, duplicate keys, too deep) fail
 * closed: an argument condition of a blocking rule holds, one of an allowing rule does not.
 *
 * <p><b>Trusted data.</b> A tool result gets the trust of the first {@code trustedData.rules}
 * entry whose tool glob matches and whose {@code resultMatches} (when given) is found in the
 * result's text, else {@code trustedData.default}.
 *
 * <p><b>Sensitive data.</b> Each detector has at most one action per side (what is sent upstream,
 * the answer).
 */
public record PolicyDocument(List<ToolRule> toolInvocation, TrustedData trustedData, List<SensitiveRule> sensitiveData) {

  /** No rules at all: what a proxy without policies has. */
  public static final PolicyDocument EMPTY = new PolicyDocument(List.of(), TrustedData.DEFAULT, List.of());

  public PolicyDocument {
    toolInvocation = List.copyOf(toolInvocation);
    trustedData = trustedData == null ? TrustedData.DEFAULT : trustedData;
    sensitiveData = List.copyOf(sensitiveData);
  }

  /** Whether this is {@link #EMPTY}: a proxy with it has no policies. */
  public boolean isEmpty() {
    return equals(EMPTY);
  }

  /** The canonical document as JSON. */
  public JsonObject toJson() {
    return new JsonObject(toJsonText());
  }

  /** The canonical document as compact JSON text: the same document always gives the same text. */
  public String toJsonText() {
    return PolicyDocumentWriter.write(this);
  }
}
