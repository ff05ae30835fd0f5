package dev.portcullis.router.models;

import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.bus.UpstreamCredential;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Provider model lists by provider and credential, kept for a TTL. One instance is shared by every
 * router verticle of the process (so it is thread safe), so that a list fetched once serves every
 * event loop. Keys are digests: no credential is held in the clear.
 */
public final class ModelListCache {

  private static final int MAX_ENTRIES = 1_000;

  private record Entry(List<ListedModel> models, long expiresAt) {}

  private final long ttlMs;
  private final LongSupplier clock;
  private final Map<String, Entry> entries = new ConcurrentHashMap<>();

  public ModelListCache(long ttlMs, LongSupplier clock) {
    this.ttlMs = ttlMs;
    this.clock = clock;
  }

  List<ListedModel> get(String provider, UpstreamCredential credential) {
    Entry entry = entries.get(key(provider, credential));
    return entry != null && entry.expiresAt() > clock.getAsLong() ? entry.models() : null;
  }

  void put(String provider, UpstreamCredential credential, List<ListedModel> models) {
    if (ttlMs <= 0) {
      return;
    }
    long now = clock.getAsLong();
    if (entries.size() >= MAX_ENTRIES) {
      entries.values().removeIf(entry -> entry.expiresAt() <= now);
      if (entries.size() >= MAX_ENTRIES) {
        entries.clear();
      }
    }
    entries.put(key(provider, credential), new Entry(List.copyOf(models), now + ttlMs));
  }

  /** A digest of everything that decides what a provider lists for this credential; never the key itself. */
  private static String key(String provider, UpstreamCredential credential) {
    if (credential == null) {
      return provider + "|none";
    }
    StringBuilder material = new StringBuilder()
        .append(credential.apiKey()).append('\n').append(credential.baseUrl()).append('\n')
        .append(credential.serverSide()).append('\n');
    new TreeMap<>(credential.extraHeaders()).forEach((name, value) -> material.append(name).append('=')
        .append(value).append('\n'));
    return provider + "|" + CredentialHash.sha256Hex(material.toString());
  }
}
