package dev.portcullis.auth.store;

import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * One provider key mapped onto a virtual key or OAuth client.
 *
 * @param provider      the key's provider (stored with the mapping, as the key's own provider)
 * @param providerKeyId the stored provider key's id
 * @param weight        its share of the provider's calls among the keys mapped with it, from
 *                      {@link #MIN_WEIGHT} to {@link #MAX_WEIGHT}
 */
public record KeyMapping(String provider, String providerKeyId, int weight) {

  public static final int MIN_WEIGHT = 1;
  public static final int MAX_WEIGHT = 1000;

  public KeyMapping {
    Objects.requireNonNull(provider, "provider");
    Objects.requireNonNull(providerKeyId, "providerKeyId");
    if (weight < MIN_WEIGHT || weight > MAX_WEIGHT) {
      throw new IllegalArgumentException("weight must be from " + MIN_WEIGHT + " to " + MAX_WEIGHT + ": " + weight);
    }
  }

  /** A key with weight 1. */
  public static KeyMapping of(String provider, String providerKeyId) {
    return new KeyMapping(provider, providerKeyId, MIN_WEIGHT);
  }

  /**
   * The order mappings are kept and read in: by provider, and within a provider as given (a stable
   * sort), so that the first key of each provider is the one the admin listed first.
   */
  static List<KeyMapping> inStoredOrder(List<KeyMapping> mappings) {
    return mappings.stream().sorted(Comparator.comparing(KeyMapping::provider)).toList();
  }
}
