package dev.portcullis.auth;

import java.util.List;
import java.util.Locale;

/** The providers a provider key may belong to, and the setting that holds each one's organisation-wide default key. */
public final class Providers {

  public static final List<String> KNOWN = List.of("openai", "anthropic", "gemini", "cohere", "bedrock", "azure",
      "groq", "cerebras", "mistral", "perplexity", "openrouter", "xai", "zhipuai", "minimax", "ollama", "vllm");

  private Providers() {}

  public static boolean known(String provider) {
    return KNOWN.contains(provider);
  }

  /** {@code ARCHESTRA_CHAT_<PROVIDER>_API_KEY}; Azure's is named after Azure OpenAI, as in the seed. */
  public static String defaultKeySetting(String provider) {
    String name = provider.equals("azure") ? "AZURE_OPENAI" : provider.toUpperCase(Locale.ROOT);
    return "ARCHESTRA_CHAT_" + name + "_API_KEY";
  }
}
