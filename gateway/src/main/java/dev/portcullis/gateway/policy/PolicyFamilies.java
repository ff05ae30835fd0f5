package dev.portcullis.gateway.policy;

import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.policy.conversation.ApiFamily;
import java.util.Locale;

/**
 * The API family of a call, as its client speaks it: what its request and answer look like to
 * the policies. A model-router call is in OpenAI's format whatever provider serves it.
 */
public final class PolicyFamilies {

  private PolicyFamilies() {}

  /**
   * The family a request is read in, or null for an operation whose conversation policies do not
   * read (embeddings, model lists, token counts, Bedrock invoke bodies of other models than
   * Anthropic's): only sensitive data applies to those.
   *
   * @param model the model the call names (for Bedrock, its model id): an Anthropic model's
   *     InvokeModel body is an Anthropic Messages body
   */
  public static ApiFamily of(ProviderRoute route, String model) {
    return switch (route.operation()) {
      case CHAT_COMPLETIONS, ROUTER_CHAT_COMPLETIONS -> ApiFamily.OPENAI_CHAT;
      case RESPONSES, ROUTER_RESPONSES -> ApiFamily.OPENAI_RESPONSES;
      case MESSAGES -> ApiFamily.ANTHROPIC_MESSAGES;
      case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> ApiFamily.GEMINI;
      // Both of Cohere's chat routes (/v2/chat and /chat) are v2 chat.
      case CHAT -> ApiFamily.COHERE_CHAT;
      case CONVERSE, CONVERSE_STREAM -> ApiFamily.BEDROCK_CONVERSE;
      case INVOKE, INVOKE_WITH_RESPONSE_STREAM -> isAnthropicOnBedrock(model) ? ApiFamily.ANTHROPIC_MESSAGES : null;
      default -> null;
    };
  }

  /**
   * The family a call's answer is gated in: its request's, except for Bedrock's
   * InvokeModelWithResponseStream, whose answer is Anthropic's events wrapped in AWS's binary event
   * stream, which no gate reads (see {@link UngatedAnswers}).
   */
  public static ApiFamily ofAnswer(ProviderRoute route, ApiFamily requestFamily) {
    return route.operation() == Operation.INVOKE_WITH_RESPONSE_STREAM ? null : requestFamily;
  }

  /** Anthropic's models on Bedrock: {@code anthropic.claude-...}, and cross-region profiles {@code us.anthropic...}. */
  private static boolean isAnthropicOnBedrock(String model) {
    return model != null && model.toLowerCase(Locale.ROOT).contains("anthropic.");
  }

  /** Whether a streamed Gemini answer comes as a JSON array (no {@code alt=sse} in the query). */
  public static boolean streamsJsonArray(ProviderRoute route, String query) {
    return route.operation() == Operation.STREAM_GENERATE_CONTENT
        && (query == null || !query.contains("alt=sse"));
  }
}
