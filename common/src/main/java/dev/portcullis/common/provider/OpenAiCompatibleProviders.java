package dev.portcullis.common.provider;

import java.util.List;
import java.util.Map;

/**
 * The table of OpenAI-compatible providers (providers described by data, as Portkey does), with the
 * base URLs, settings and default-key settings Archestra gives them. Each entry is the whole of a
 * provider: the gateway's routes, the credential rules, the provider verticle and the model router
 * all read it through {@link Providers}. Adding an OpenAI-compatible provider is one entry here
 * (and a line in its test).
 */
public final class OpenAiCompatibleProviders {

  private OpenAiCompatibleProviders() {}

  public static final OpenAiCompatibleSpec OPENAI = OpenAiCompatibleSpec.of(
          "openai", "OpenAI", "https://api.openai.com/v1", List.of("ARCHESTRA_OPENAI_BASE_URL"),
          "ARCHESTRA_CHAT_OPENAI_API_KEY")
      .offering(Operation.CHAT_COMPLETIONS, Operation.RESPONSES, Operation.EMBEDDINGS, Operation.MODELS)
      .withRequestIdHeader("x-request-id");

  public static final OpenAiCompatibleSpec CEREBRAS = OpenAiCompatibleSpec.of(
      "cerebras", "Cerebras", "https://api.cerebras.ai/v1", List.of("ARCHESTRA_CEREBRAS_BASE_URL"),
      "ARCHESTRA_CHAT_CEREBRAS_API_KEY");

  public static final OpenAiCompatibleSpec GROQ = OpenAiCompatibleSpec.of(
      "groq", "Groq", "https://api.groq.com/openai/v1", List.of("ARCHESTRA_GROQ_BASE_URL"),
      "ARCHESTRA_CHAT_GROQ_API_KEY");

  public static final OpenAiCompatibleSpec OPENROUTER = OpenAiCompatibleSpec.of(
          "openrouter", "OpenRouter", "https://openrouter.ai/api/v1", List.of("ARCHESTRA_OPENROUTER_BASE_URL"),
          "ARCHESTRA_CHAT_OPENROUTER_API_KEY")
      .offering(Operation.CHAT_COMPLETIONS, Operation.EMBEDDINGS, Operation.MODELS)
      // OpenRouter's app attribution, recommended by OpenRouter and sent only when configured.
      .withHeaders(Map.of("HTTP-Referer", "ARCHESTRA_OPENROUTER_REFERER", "X-Title", "ARCHESTRA_OPENROUTER_TITLE"))
      // The attribution headers file a call's usage under an app in the key owner's account
      // (openrouter.ai/docs/app-attribution): with our key, only our configured values may do that.
      .withAccountRequestHeaders("HTTP-Referer", "X-Title", "X-OpenRouter-Title", "X-OpenRouter-Categories");

  public static final OpenAiCompatibleSpec MISTRAL = OpenAiCompatibleSpec.of(
      "mistral", "Mistral", "https://api.mistral.ai/v1", List.of("ARCHESTRA_MISTRAL_BASE_URL"),
      "ARCHESTRA_CHAT_MISTRAL_API_KEY");

  /** No {@code /v1} in Perplexity's root; its {@code citations} and {@code search_results} pass through. */
  public static final OpenAiCompatibleSpec PERPLEXITY = OpenAiCompatibleSpec.of(
      "perplexity", "Perplexity", "https://api.perplexity.ai", List.of("ARCHESTRA_PERPLEXITY_BASE_URL"),
      "ARCHESTRA_CHAT_PERPLEXITY_API_KEY");

  public static final OpenAiCompatibleSpec VLLM = OpenAiCompatibleSpec.of(
          "vllm", "vLLM", null, List.of("ARCHESTRA_VLLM_BASE_URL"), "ARCHESTRA_CHAT_VLLM_API_KEY")
      .keylessAllowed()
      .enabledOnlyWhenConfigured("vLLM is not enabled: set ARCHESTRA_VLLM_BASE_URL to your vLLM server "
          + "(for example http://your-vllm-host:8000/v1) or add a vLLM provider key with a base URL.");

  public static final OpenAiCompatibleSpec OLLAMA = OpenAiCompatibleSpec.of(
          "ollama", "Ollama", "http://localhost:11434/v1", List.of("ARCHESTRA_OLLAMA_BASE_URL"),
          "ARCHESTRA_CHAT_OLLAMA_API_KEY")
      .keylessAllowed();

  public static final OpenAiCompatibleSpec ZHIPUAI = OpenAiCompatibleSpec.of(
      "zhipuai", "Zhipu AI", "https://api.z.ai/api/paas/v4", List.of("ARCHESTRA_ZHIPUAI_BASE_URL"),
      "ARCHESTRA_CHAT_ZHIPUAI_API_KEY");

  public static final OpenAiCompatibleSpec XAI = OpenAiCompatibleSpec.of(
      "xai", "xAI", "https://api.x.ai/v1", List.of("ARCHESTRA_XAI_BASE_URL"), "ARCHESTRA_CHAT_XAI_API_KEY");

  /** MiniMax has no models endpoint; its {@code reasoning_details} pass through. */
  public static final OpenAiCompatibleSpec MINIMAX = OpenAiCompatibleSpec.of(
          "minimax", "MiniMax", "https://api.minimax.io/v1",
          List.of("ARCHESTRA_CHAT_MINIMAX_BASE_URL", "ARCHESTRA_MINIMAX_BASE_URL"), "ARCHESTRA_CHAT_MINIMAX_API_KEY")
      .withStaticModels("ARCHESTRA_MINIMAX_MODELS", List.of(
          "MiniMax-M2", "MiniMax-M2.1", "MiniMax-M2.1-lightning", "MiniMax-M2.5", "MiniMax-M2.5-highspeed"));

  /** Every entry, in the order their routes are listed. */
  public static List<OpenAiCompatibleSpec> all() {
    return List.of(OPENAI, CEREBRAS, GROQ, OPENROUTER, MISTRAL, PERPLEXITY, VLLM, OLLAMA, ZHIPUAI, XAI, MINIMAX);
  }
}
