package dev.portcullis.usage.price;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which catalog provider prices each Portcullis provider, and how a Portcullis model id is turned
 * into the id the catalog matches. The one table of that mapping: a provider added to Portcullis
 * must be added here too, or to {@link #UNPRICED} (its test fails until it is).
 */
public final class PricingProviders {

  /** Model ids longer than this are never priced (nor cached): no real id comes close. */
  public static final int MAX_MODEL_LENGTH = 256;

  /**
   * Portcullis provider name to genai-prices provider id. Azure's deployment names fall back to
   * OpenAI's (and Anthropic's, DeepSeek's, xAI's, Moonshot's) models through the catalog's own
   * {@code fallback_model_providers}; a deployment named otherwise than its model is not priced.
   * Zhipu AI is reached at api.z.ai, which genai-prices lists as {@code zai} (USD prices), not as
   * {@code zhipuai} (open.bigmodel.cn, prices converted from CNY).
   */
  private static final Map<String, String> CATALOG_IDS = Map.ofEntries(
      Map.entry("openai", "openai"),
      Map.entry("anthropic", "anthropic"),
      Map.entry("azure", "azure"),
      Map.entry("bedrock", "aws"),
      Map.entry("gemini", "google"),
      Map.entry("cohere", "cohere"),
      Map.entry("cerebras", "cerebras"),
      Map.entry("groq", "groq"),
      Map.entry("mistral", "mistral"),
      Map.entry("openrouter", "openrouter"),
      Map.entry("perplexity", "perplexity"),
      Map.entry("xai", "x-ai"),
      Map.entry("zhipuai", "zai"),
      Map.entry("minimax", "minimax"));

  /**
   * Providers no catalog can price: self-hosted servers, whose cost is the operator's own. Their
   * records have no cost unless an administrator sets a price per model.
   */
  public static final Set<String> UNPRICED = Set.of("vllm", "ollama");

  private static final String ARN_PREFIX = "arn:";
  private static final String GEMINI_MODELS = "models/";

  private PricingProviders() {}

  /** The genai-prices provider id for a Portcullis provider, or null. */
  public static String catalogId(String provider) {
    return provider == null ? null : CATALOG_IDS.get(provider);
  }

  static Set<String> mapped() {
    return CATALOG_IDS.keySet();
  }

  /**
   * The model id as prices are looked up and overrides are kept: trimmed, lowercased (genai-prices
   * matches ids without regard to case), and for Bedrock an ARN reduced to its model or
   * inference-profile id ({@code arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-...}
   * and {@code .../inference-profile/us.anthropic.claude-...}; an application inference profile's
   * id names no model and stays unpriced), for Gemini without the {@code models/} (or Vertex AI
   * {@code publishers/google/models/}) prefix. Null for a blank or overlong id.
   */
  public static String modelKey(String provider, String model) {
    if (model == null) {
      return null;
    }
    String key = model.trim();
    if ("bedrock".equals(provider) && key.regionMatches(true, 0, ARN_PREFIX, 0, ARN_PREFIX.length())) {
      key = key.substring(key.lastIndexOf('/') + 1);
    } else if ("gemini".equals(provider)) {
      int models = key.lastIndexOf(GEMINI_MODELS);
      if (models >= 0 && (models == 0 || key.charAt(models - 1) == '/')) {
        key = key.substring(models + GEMINI_MODELS.length());
      }
    }
    if (key.isEmpty() || key.length() > MAX_MODEL_LENGTH) {
      return null;
    }
    return key.toLowerCase(Locale.ROOT);
  }
}
