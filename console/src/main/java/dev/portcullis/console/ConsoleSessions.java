package dev.portcullis.console;

import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.RandomTokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The console's signed-in sessions, in this process's memory. A session is named by a random
 * cookie value the browser keeps (only its hash is held here, so a heap dump holds no usable
 * cookie) and carries its CSRF token. It ends when unused for the idle time, at its maximum age
 * after sign-in, at sign-out, or when the process stops: a restart signs everybody out.
 */
public final class ConsoleSessions {

  /** More sessions than one team signs in with; past it the least recently used one goes. */
  static final int MAX_SESSIONS = 512;

  /** A session as the console's calls see it. */
  public record Session(String csrfToken, long signedInAt, long expiresAt) {

    /** Whether {@code presented} is this session's CSRF token, in constant time. */
    public boolean csrfMatches(String presented) {
      return presented != null && MessageDigest.isEqual(csrfToken.getBytes(StandardCharsets.UTF_8),
          presented.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
      return "Session[<redacted>]";
    }
  }

  /** A new session and the cookie value that names it (given to the browser once, never kept). */
  public record Opened(String cookieValue, Session session) {
    @Override
    public String toString() {
      return "Opened[<redacted>]";
    }
  }

  private static final class Entry {
    final Session session;
    volatile long lastUsedAt;

    Entry(Session session, long now) {
      this.session = session;
      this.lastUsedAt = now;
    }
  }

  private final Map<String, Entry> byCookieHash = new ConcurrentHashMap<>();
  private final long idleTimeoutMs;
  private final long maxAgeMs;
  private final LongSupplier clock;

  public ConsoleSessions(ConsoleSettings settings, LongSupplier clock) {
    this.idleTimeoutMs = settings.idleTimeoutMs();
    this.maxAgeMs = settings.maxAgeMs();
    this.clock = clock;
  }

  public long idleTimeoutMs() {
    return idleTimeoutMs;
  }

  public Opened open() {
    long now = clock.getAsLong();
    if (byCookieHash.size() >= MAX_SESSIONS) {
      evict(now);
    }
    String cookieValue = RandomTokens.base62(43);
    Session session = new Session(RandomTokens.base62(43), now, now + maxAgeMs);
    byCookieHash.put(CredentialHash.sha256Hex(cookieValue), new Entry(session, now));
    return new Opened(cookieValue, session);
  }

  /** The live session {@code cookieValue} names, its idle time restarted; empty when none or ended. */
  public Optional<Session> use(String cookieValue) {
    if (cookieValue == null || cookieValue.isEmpty() || cookieValue.length() > 128) {
      return Optional.empty();
    }
    String key = CredentialHash.sha256Hex(cookieValue);
    Entry entry = byCookieHash.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    long now = clock.getAsLong();
    if (ended(entry, now)) {
      byCookieHash.remove(key, entry);
      return Optional.empty();
    }
    entry.lastUsedAt = now;
    return Optional.of(entry.session);
  }

  public void close(String cookieValue) {
    if (cookieValue != null && cookieValue.length() <= 128) {
      byCookieHash.remove(CredentialHash.sha256Hex(cookieValue));
    }
  }

  int size() {
    return byCookieHash.size();
  }

  private boolean ended(Entry entry, long now) {
    return now >= entry.session.expiresAt() || now - entry.lastUsedAt >= idleTimeoutMs;
  }

  private void evict(long now) {
    byCookieHash.values().removeIf(entry -> ended(entry, now));
    while (byCookieHash.size() >= MAX_SESSIONS) {
      byCookieHash.entrySet().stream().min(Comparator.comparingLong(e -> e.getValue().lastUsedAt))
          .ifPresent(oldest -> byCookieHash.remove(oldest.getKey(), oldest.getValue()));
    }
  }
}
