package dev.portcullis.app.fuzz;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The secrets the fuzz run plants and then looks for where they must never appear: provider keys
 * (stored ones and callers' own, all containing {@link #PROVIDER_KEY_MARK}), virtual keys, the
 * OAuth client secret and access token, and the admin token. Each is also looked for by a
 * 12-character fragment, since a masked echo ({@code pc-vk-AbC...xYz}) leaks as much as the whole.
 */
final class Canaries {

  /** In every canary provider key, stored or passed through: found anywhere, a key leaked. */
  static final String PROVIDER_KEY_MARK = "Kanary";

  private final Map<String, String> needles = new LinkedHashMap<>();
  private final Map<String, String> upstreamForbidden = new LinkedHashMap<>();
  private final ConcurrentLinkedQueue<String> upstreamLeaks = new ConcurrentLinkedQueue<>();
  private final AtomicLong upstreamLeakCount = new AtomicLong();

  Canaries() {
    needles.put(PROVIDER_KEY_MARK, "a canary provider key");
  }

  /** A provider key the store holds or a caller passes: it must never be logged, echoed or counted. */
  static String providerKey(String provider, String use) {
    return "sk-" + PROVIDER_KEY_MARK + "-" + use + "-" + provider + "-Q7d9Lm2Xv8Rt4Wp6";
  }

  /** A Portcullis credential (virtual key, token, client secret): also never sent upstream. */
  synchronized void addPortcullisSecret(String what, String secret) {
    add(what, secret);
    upstreamForbidden.put(secret, what);
    if (secret.length() > 24) {
      upstreamForbidden.put(secret.substring(secret.length() - 12), what + " (its last 12 characters)");
    }
  }

  /** A secret that may go upstream but must never appear in logs, answers or metrics. */
  synchronized void add(String what, String secret) {
    needles.put(secret, what);
    if (secret.length() > 24) {
      needles.put(secret.substring(secret.length() - 12), what + " (its last 12 characters)");
      if (secret.startsWith("pc-vk-")) {
        // Not for JWTs: every token's first characters are the same encoded header.
        needles.put(secret.substring(6, 18), what + " (12 characters of its start)");
      }
    }
  }

  /** What leaked into {@code text}, or {@code null}. */
  String find(String text) {
    if (text == null) {
      return null;
    }
    for (Map.Entry<String, String> needle : needles.entrySet()) {
      if (text.contains(needle.getKey())) {
        return needle.getValue();
      }
    }
    return null;
  }

  void checkUpstream(String call, String everything) {
    for (Map.Entry<String, String> forbidden : upstreamForbidden.entrySet()) {
      if (everything.contains(forbidden.getKey())) {
        if (upstreamLeakCount.incrementAndGet() <= 5) {
          upstreamLeaks.add(forbidden.getValue() + " reached the upstream in " + call);
        }
        return;
      }
    }
  }

  long upstreamLeakCount() {
    return upstreamLeakCount.get();
  }

  List<String> upstreamLeaks() {
    return new ArrayList<>(upstreamLeaks);
  }
}
