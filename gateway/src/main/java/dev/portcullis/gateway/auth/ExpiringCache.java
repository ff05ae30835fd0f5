package dev.portcullis.gateway.auth;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A small bounded cache whose entries live at most {@code ttlMillis}; the least recently used
 * entry goes first when full. Synchronized: one resolver may serve several event loops.
 */
final class ExpiringCache<V> {

  private record Entry<V>(V value, long storedAtMillis) {}

  private final long ttlMillis;
  private final Map<String, Entry<V>> entries;

  ExpiringCache(int maxEntries, long ttlMillis) {
    this.ttlMillis = ttlMillis;
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  synchronized V get(String key, long nowMillis) {
    Entry<V> entry = entries.get(key);
    if (entry == null) {
      return null;
    }
    if (nowMillis - entry.storedAtMillis() >= ttlMillis) {
      entries.remove(key);
      return null;
    }
    return entry.value();
  }

  synchronized void put(String key, V value, long nowMillis) {
    entries.put(key, new Entry<>(value, nowMillis));
  }

  synchronized void remove(String key) {
    entries.remove(key);
  }

  synchronized void clear() {
    entries.clear();
  }

  synchronized int size() {
    return entries.size();
  }
}
