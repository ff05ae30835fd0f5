package dev.portcullis.policy.evaluate;

import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * What an LLM proxy's policies make of one whole (not streamed) answer.
 *
 * @param body what the client gets: the answer's own buffer unless a call was blocked or data redacted
 * @param blockedCalls how many tool calls were taken out
 * @param refusal why the answer is withheld (a secret a {@code block} rule found in it), or null
 * @param refusalRule the rule that withheld it, or null
 * @param redacted findings redacted, by detector
 * @param logged findings only logged, by detector
 */
public record AnswerDecision(Buffer body, int blockedCalls, String refusal, String refusalRule,
    Map<String, Integer> redacted, Map<String, Integer> logged) {

  public boolean refused() {
    return refusal != null;
  }
}
