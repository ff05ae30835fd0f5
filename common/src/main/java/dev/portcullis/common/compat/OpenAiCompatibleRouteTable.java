package dev.portcullis.common.compat;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which operations each OpenAI-compatible provider offers, by route name. It lives in
 * {@code common} because two modules that may not see each other read it: the gateway (its routes)
 * and the provider verticles (which refuse what a provider does not offer). Everything else about
 * a provider (base URL, settings, quirks) is its spec in {@code OpenAiCompatibleProviders}.
 */
public final class OpenAiCompatibleRouteTable {

  private static final Set<CompatibleOperation> CHAT_AND_MODELS =
      Collections.unmodifiableSet(EnumSet.of(CompatibleOperation.CHAT_COMPLETIONS, CompatibleOperation.MODELS));

  private static final Map<String, Set<CompatibleOperation>> OPERATIONS = build();

  private OpenAiCompatibleRouteTable() {}

  private static Map<String, Set<CompatibleOperation>> build() {
    Map<String, Set<CompatibleOperation>> table = new LinkedHashMap<>();
    table.put("openai", Collections.unmodifiableSet(EnumSet.allOf(CompatibleOperation.class)));
    table.put("cerebras", CHAT_AND_MODELS);
    table.put("groq", CHAT_AND_MODELS);
    table.put("openrouter", Collections.unmodifiableSet(EnumSet.of(CompatibleOperation.CHAT_COMPLETIONS,
        CompatibleOperation.EMBEDDINGS, CompatibleOperation.MODELS)));
    table.put("mistral", CHAT_AND_MODELS);
    table.put("perplexity", CHAT_AND_MODELS);
    table.put("vllm", CHAT_AND_MODELS);
    table.put("ollama", CHAT_AND_MODELS);
    table.put("zhipuai", CHAT_AND_MODELS);
    table.put("xai", CHAT_AND_MODELS);
    table.put("minimax", CHAT_AND_MODELS);
    return Collections.unmodifiableMap(table);
  }

  /** Every provider's route name and operations, in a stable order. */
  public static Map<String, Set<CompatibleOperation>> all() {
    return OPERATIONS;
  }

  /** The operations of a provider; fails for a name that is not in the table. */
  public static Set<CompatibleOperation> operationsOf(String provider) {
    Set<CompatibleOperation> operations = OPERATIONS.get(provider);
    if (operations == null) {
      throw new IllegalArgumentException("no OpenAI-compatible provider named " + provider);
    }
    return operations;
  }
}
