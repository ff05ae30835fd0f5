package dev.portcullis.gateway.resilience;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An LLM proxy's model-router fallbacks, read from the JSON the proxy directory carries:
 * {@code {"openai:gpt-4o": ["anthropic:claude-sonnet-4-5", "bedrock:..."]}}, each model's list in
 * the order they are tried. auth-service checks a document before it stores it; what a gateway
 * cannot read here counts as no fallbacks, never as a failed call.
 */
public final class ModelFallbacks {

  /** Documents kept parsed; a directory holds one per proxy, so this is only ever a handful. */
  static final int CACHED_DOCUMENTS = 256;
  private static final Map<String, Map<String, List<String>>> PARSED = new ConcurrentHashMap<>();

  private ModelFallbacks() {}

  /** The fallbacks of {@code model} ({@code provider:model}) in {@code json}; empty when none. */
  public static List<String> of(String json, String model) {
    if (json == null || model == null) {
      return List.of();
    }
    Map<String, List<String>> parsed = PARSED.get(json);
    if (parsed == null) {
      parsed = parse(json);
      if (PARSED.size() >= CACHED_DOCUMENTS) {
        PARSED.clear();
      }
      PARSED.put(json, parsed);
    }
    return parsed.getOrDefault(model, List.of());
  }

  static Map<String, List<String>> parse(String json) {
    try {
      JsonObject document = new JsonObject(json);
      Map<String, List<String>> byModel = new java.util.HashMap<>();
      for (String model : document.fieldNames()) {
        if (!(document.getValue(model) instanceof JsonArray array)) {
          continue;
        }
        List<String> chain = new ArrayList<>(array.size());
        for (Object entry : array) {
          if (entry instanceof String target && !target.equals(model) && !chain.contains(target)) {
            chain.add(target);
          }
        }
        byModel.put(model, List.copyOf(chain));
      }
      return Map.copyOf(byModel);
    } catch (DecodeException | ClassCastException e) {
      return Map.of();
    }
  }
}
