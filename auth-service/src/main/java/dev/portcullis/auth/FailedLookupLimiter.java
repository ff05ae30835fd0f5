package dev.portcullis.auth;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed virtual-key lookups per client address over a sliding window, so nobody can guess
 * keys at speed: once an address has {@code maxFailures} failures in the window, its next lookups
 * are refused without touching the store until old failures age out. Bounded in memory: the least
 * recently seen addresses are forgotten first. Used from one event loop only.
 */
final class FailedLookupLimiter {

  private static final int MAX_ADDRESSES = 10_000;

  private final int maxFailures;
  private final long windowMillis;
  private final Map<String, Deque<Long>> failuresByAddress = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Deque<Long>> eldest) {
      return size() > MAX_ADDRESSES;
    }
  };

  FailedLookupLimiter(int maxFailures, long windowMillis) {
    this.maxFailures = maxFailures;
    this.windowMillis = windowMillis;
  }

  boolean blocked(String address, long nowMillis) {
    Deque<Long> failures = failuresByAddress.get(key(address));
    if (failures == null) {
      return false;
    }
    forgetOld(failures, nowMillis);
    return failures.size() >= maxFailures;
  }

  void recordFailure(String address, long nowMillis) {
    Deque<Long> failures = failuresByAddress.computeIfAbsent(key(address), a -> new ArrayDeque<>());
    forgetOld(failures, nowMillis);
    failures.addLast(nowMillis);
    // The newest maxFailures are all a decision needs: memory stays bounded under a flood.
    while (failures.size() > maxFailures) {
      failures.pollFirst();
    }
  }

  private void forgetOld(Deque<Long> failures, long nowMillis) {
    while (!failures.isEmpty() && failures.peekFirst() <= nowMillis - windowMillis) {
      failures.pollFirst();
    }
  }

  private static String key(String address) {
    return address == null ? "unknown" : address;
  }
}
