package dev.portcullis.auth.admin;

import dev.portcullis.common.provider.Providers;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * An LLM proxy's model-router fallbacks: {@code {"openai:gpt-4o": ["anthropic:claude-sonnet-4-5",
 * "bedrock:anthropic.claude-3-haiku"]}}, for each model a caller may name the models tried after
 * it, in order, when a call to it fails in a way that may be retried (the gateway's
 * {@code ModelFallbacks} reads it). Checked whole before anything is stored; every refusal is a
 * 400 naming the field: {@code fallbacks}, {@code fallbacks["<model>"]} or
 * {@code fallbacks["<model>"][<index>]}. Stored canonical: keys sorted, compact, each list in the
 * order given.
 */
final class FallbacksDocument {

  static final String FIELD = "fallbacks";
  /** The most models one proxy gives fallbacks for. */
  static final int MAX_MODELS = 100;
  /** The most fallbacks of one model. */
  static final int MAX_CHAIN = 5;
  /** The longest model part of {@code provider:model}. */
  static final int MAX_MODEL_LENGTH = 200;

  private FallbacksDocument() {}

  /**
   * The canonical JSON of {@code value}, a request's fallbacks; null when it is null or the empty
   * object (no fallbacks).
   *
   * @throws AdminRequestException a 400 naming the field at fault
   */
  static String canonical(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject document)) {
      throw AdminRequestException.badField(FIELD, FIELD + " must be an object of models ('<provider>:<model>') to "
          + "the list of models tried after each, such as {\"openai:gpt-4o\": [\"anthropic:claude-sonnet-4-5\"]}");
    }
    if (document.size() > MAX_MODELS) {
      throw AdminRequestException.badField(FIELD, FIELD + " names " + document.size() + " models; at most "
          + MAX_MODELS + " may have fallbacks");
    }
    TreeMap<String, List<String>> sorted = new TreeMap<>();
    for (Map.Entry<String, Object> entry : document) {
      String model = entry.getKey();
      String field = FIELD + "[" + quoted(model) + "]";
      checkModel(model, field);
      sorted.put(model, chain(model, entry.getValue(), field));
    }
    if (sorted.isEmpty()) {
      return null;
    }
    JsonObject canonical = new JsonObject();
    sorted.forEach((model, chain) -> canonical.put(model, new JsonArray(new ArrayList<>(chain))));
    return canonical.encode();
  }

  /** What the admin API shows of stored fallbacks: the object, {@code {}} when there are none. */
  static JsonObject view(String stored) {
    // Stored canonical: answered as stored, not checked again.
    return stored == null ? new JsonObject() : new JsonObject(stored);
  }

  private static List<String> chain(String model, Object value, String field) {
    if (!(value instanceof JsonArray array)) {
      throw AdminRequestException.badField(field, field + " must be a list of 1 to " + MAX_CHAIN
          + " models ('<provider>:<model>') tried in order");
    }
    if (array.isEmpty()) {
      throw AdminRequestException.badField(field, field + " must list at least one model; leave "
          + quoted(model) + " out for none");
    }
    if (array.size() > MAX_CHAIN) {
      throw AdminRequestException.badField(field, field + " lists " + array.size() + " models; at most "
          + MAX_CHAIN + " fallbacks per model");
    }
    List<String> chain = new ArrayList<>(array.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String entryField = field + "[" + i + "]";
      if (!(array.getValue(i) instanceof String target)) {
        throw AdminRequestException.badField(entryField, entryField + " must be a model as a string, '<provider>:<model>'");
      }
      checkModel(target, entryField);
      if (target.equals(model)) {
        throw AdminRequestException.badField(entryField, entryField + " is the model itself; a model cannot be its "
            + "own fallback");
      }
      if (!seen.add(target)) {
        throw AdminRequestException.badField(entryField, entryField + " lists " + quoted(target)
            + " a second time; each fallback once");
      }
      chain.add(target);
    }
    return chain;
  }

  /** {@code provider:model}: a known provider, then a model of 1 to 200 characters, none a control character. */
  private static void checkModel(String model, String field) {
    int colon = model.indexOf(':');
    if (colon <= 0) {
      throw AdminRequestException.badField(field, field + " is not a model of the form '<provider>:<model>', "
          + "such as 'openai:gpt-4o'");
    }
    String provider = model.substring(0, colon);
    if (Providers.named(provider) == null) {
      throw AdminRequestException.badField(field, field + " names provider " + quoted(provider)
          + ", which is not one; expected one of " + String.join(", ", Providers.sortedNames()));
    }
    String nativeId = model.substring(colon + 1);
    if (nativeId.isBlank()) {
      throw AdminRequestException.badField(field, field + " names no model after '" + provider + ":'");
    }
    if (nativeId.length() > MAX_MODEL_LENGTH) {
      throw AdminRequestException.badField(field, field + " has a model of " + nativeId.length()
          + " characters; at most " + MAX_MODEL_LENGTH);
    }
    if (nativeId.chars().anyMatch(Character::isISOControl)) {
      throw AdminRequestException.badField(field, field + " has a control character in its model");
    }
  }

  /** A model as a field or message quotes it: JSON-quoted (control characters escaped), at most 64 characters. */
  private static String quoted(String text) {
    return Json.encode(RequestFields.excerpt(text));
  }
}
