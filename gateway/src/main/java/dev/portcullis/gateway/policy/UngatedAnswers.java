package dev.portcullis.gateway.policy;

import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.policy.conversation.ApiFamily;
import dev.portcullis.policy.evaluate.PolicyEngine;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * Calls whose answer no gate can read, refused where the proxy's policies would need to read it:
 * a policy that silently does not apply is a way around it. Only Bedrock's invoke operations are
 * such calls (every other operation that answers with a model's words has its family's gates):
 *
 * <ul>
 *   <li>InvokeModelWithResponseStream wraps the model's events in AWS's binary event stream,
 *       base64 inside JSON inside binary frames; neither tool calls nor text are gated there;</li>
 *   <li>InvokeModel of a model other than Anthropic's answers in that model's own format, whose
 *       tool calls are not read (its text is still scanned for sensitive data, as any JSON).</li>
 * </ul>
 *
 * Refused: such a call when the proxy has a tool rule that can block and the body may offer tools,
 * and a streamed one when the proxy has sensitive-data rules for answers. Converse and
 * ConverseStream, which every Bedrock model speaks, are gated in full.
 */
public final class UngatedAnswers {

  private UngatedAnswers() {}

  /** Why the call is refused, or null to send it. */
  public static String refusal(ProviderRoute route, ApiFamily answerFamily, PolicyEngine engine, Buffer body) {
    Operation operation = route.operation();
    if (answerFamily != null || operation != Operation.INVOKE && operation != Operation.INVOKE_WITH_RESPONSE_STREAM) {
      return null;
    }
    if (engine.mayBlockToolCalls() && mayOfferTools(body)) {
      return "This LLM proxy has tool-invocation rules, and the tool calls in the answer to this call could not be "
          + "read to apply them (Bedrock " + (operation == Operation.INVOKE ? "InvokeModel of a model other than "
          + "Anthropic's" : "InvokeModelWithResponseStream") + ", with tools). Use Converse or ConverseStream.";
    }
    if (operation == Operation.INVOKE_WITH_RESPONSE_STREAM && engine.hasAnswerRules()) {
      return "This LLM proxy has sensitive-data rules for answers, and a Bedrock InvokeModelWithResponseStream answer "
          + "could not be read to apply them. Use ConverseStream, or InvokeModel.";
    }
    return null;
  }

  /**
   * Whether the body may offer tools: a {@code "tools"}, {@code "toolConfig"} or
   * {@code "tool_config"} key anywhere. Coarse on purpose (a false alarm refuses a call, a miss
   * lets a blocked tool be called); text inside a JSON string cannot match, its quotes are escaped.
   */
  static boolean mayOfferTools(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8);
    return text.contains("\"tools\"") || text.contains("\"toolConfig\"") || text.contains("\"tool_config\"");
  }
}
