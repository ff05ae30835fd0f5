package dev.portcullis.policy.evaluate;

import dev.portcullis.policy.tools.ToolCallJudge;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * What an LLM proxy's policies make of one request, before it goes upstream.
 *
 * @param refusal why the request is refused (a blocked tool result, a blocked secret), or null
 * @param refusalRule the rule that refused it ({@code sensitiveData[0]}, {@code trustedData.rules[1]}), or null
 * @param body what to send upstream: the request's own buffer unless something was redacted
 * @param contextUntrusted whether the context is untrusted
 * @param contextReason why it is (or is not) untrusted, for the ledger and a response header
 * @param judge judges the tool calls of the answer; null when no rule could block one in this
 *     context (then nothing of the answer is held)
 * @param redacted findings redacted, by detector
 * @param logged findings only logged, by detector
 */
public record RequestDecision(String refusal, String refusalRule, Buffer body, boolean contextUntrusted,
    String contextReason, ToolCallJudge judge, Map<String, Integer> redacted, Map<String, Integer> logged) {

  public boolean refused() {
    return refusal != null;
  }
}
