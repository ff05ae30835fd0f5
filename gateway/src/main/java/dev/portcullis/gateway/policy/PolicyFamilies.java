package dev.portcullis.gateway.policy;

import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.policy.conversation.ApiFamily;

/**
 * The API family of a call, as its client speaks it: what its request and answer look like to
 * the policies. A model-router call is in OpenAI's format whatever provider serves it.
 */
public final class PolicyFamilies {

  private PolicyFamilies() {}

  /**
   * The family, or null for an operation whose conversation policies do not read (embeddings,
   * model lists, Bedrock's native invoke bodies): only sensitive data applies to those.
   */
  public static ApiFamily of(ProviderRoute route) {
    return switch (route.operation()) {
      case CHAT_COMPLETIONS, ROUTER_CHAT_COMPLETIONS -> ApiFamily.OPENAI_CHAT;
      case RESPONSES, ROUTER_RESPONSES -> ApiFamily.OPENAI_RESPONSES;
      case MESSAGES -> ApiFamily.ANTHROPIC_MESSAGES;
      case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> ApiFamily.GEMINI;
      // Both of Cohere's chat routes (/v2/chat and /chat) are v2 chat.
      case CHAT -> ApiFamily.COHERE_CHAT;
      case CONVERSE, CONVERSE_STREAM -> ApiFamily.BEDROCK_CONVERSE;
      default -> null;
    };
  }

  /** Whether a streamed Gemini answer comes as a JSON array (no {@code alt=sse} in the query). */
  public static boolean streamsJsonArray(ProviderRoute route, String query) {
    return route.operation() == Operation.STREAM_GENERATE_CONTENT
        && (query == null || !query.contains("alt=sse"));
  }
}
