package dev.portcullis.common.router;

import java.util.List;
import java.util.stream.Stream;

/**
 * The providers the model router reaches, by the prefix of a router model id
 * ({@code <provider>:<native id>}). Shared by the gateway (which refuses unknown prefixes before
 * anything is sent) and the router (which picks forwarding or translation from it).
 */
public final class RouterProviders {

  /** Providers that speak OpenAI's chat API: the router only rewrites the model. */
  public static final List<String> OPENAI_COMPATIBLE = List.of("openai", "azure", "groq", "cerebras", "mistral",
      "perplexity", "openrouter", "xai", "zhipuai", "minimax", "ollama", "vllm");

  /** Providers with their own API: the router translates requests and answers. */
  public static final List<String> TRANSLATED = List.of("anthropic", "gemini", "cohere", "bedrock");

  /** Providers that also serve OpenAI's Responses API natively. */
  public static final List<String> NATIVE_RESPONSES = List.of("openai", "azure");

  /** Every router provider, sorted by name. */
  public static final List<String> ALL = Stream.concat(OPENAI_COMPATIBLE.stream(), TRANSLATED.stream()).sorted()
      .toList();

  private RouterProviders() {}

  public static boolean supports(String provider) {
    return ALL.contains(provider);
  }

  public static boolean isOpenAiCompatible(String provider) {
    return OPENAI_COMPATIBLE.contains(provider);
  }

  public static boolean servesResponses(String provider) {
    return NATIVE_RESPONSES.contains(provider);
  }
}
