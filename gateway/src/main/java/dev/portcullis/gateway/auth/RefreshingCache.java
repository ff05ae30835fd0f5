package dev.portcullis.gateway.auth;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A bounded cache of answers from auth-service, so that a credential in use costs no bus call:
 *
 * <ul>
 *   <li><b>single flight</b>: while a key is being looked up, every other call for it waits on
 *       that one lookup; its failure reaches those waiters and is never stored;</li>
 *   <li><b>refresh ahead</b>: an entry used after {@code refreshAfterMillis} (but before
 *       {@code ttlMillis}) is answered at once, and one lookup runs in the background to replace
 *       it, so a key in steady use never waits on a miss;</li>
 *   <li><b>invalidation wins</b>: {@link #invalidate} and {@link #invalidateAll} drop the entry and
 *       forget the lookup in flight, whose answer is then handed to its waiters but not stored (a
 *       lookup started before a revocation must not put the revoked credential back).</li>
 * </ul>
 *
 * One cache serves the gateway's event loops together, so its state is guarded by its monitor
 * (held only for map updates, never across a lookup). A caller that joins a lookup started on
 * another event loop gets the answer on its own event loop.
 */
final class RefreshingCache<V> {

  private record Entry<V>(V value, long storedAtMillis) {}

  /** One lookup in flight, and the event loop it was started on. */
  private record Flight<V>(Promise<V> answer, Context startedOn) {}

  private final long ttlMillis;
  private final long refreshAfterMillis;
  private final LongSupplier clock;
  private final Predicate<Throwable> refusal;
  private final Map<String, Entry<V>> entries;
  private final Map<String, Flight<V>> flights = new HashMap<>();

  /**
   * @param refusal which lookup failures say the credential is no longer good: a background refresh
   *                failing so drops the entry at once; any other failure (auth-service unreachable)
   *                leaves it to live out its time
   */
  RefreshingCache(int maxEntries, long ttlMillis, long refreshAfterMillis, LongSupplier clock,
      Predicate<Throwable> refusal) {
    if (refreshAfterMillis <= 0 || refreshAfterMillis > ttlMillis) {
      throw new IllegalArgumentException("refreshAfterMillis must be in (0, ttlMillis]");
    }
    this.ttlMillis = ttlMillis;
    this.refreshAfterMillis = refreshAfterMillis;
    this.clock = clock;
    this.refusal = refusal;
    // Least recently used first out when full.
    this.entries = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
        return size() > maxEntries;
      }
    };
  }

  /**
   * The cached answer for {@code key}, or the answer of the lookup in flight for it, or the answer
   * of a new {@code lookup} (called at most once per flight, outside the cache's monitor).
   */
  Future<V> get(String key, Supplier<Future<V>> lookup) {
    Flight<V> started;
    Future<V> answer;
    synchronized (this) {
      long now = clock.getAsLong();
      Entry<V> entry = entries.get(key);
      if (entry != null && now - entry.storedAtMillis() < ttlMillis) {
        answer = Future.succeededFuture(entry.value());
        if (now - entry.storedAtMillis() < refreshAfterMillis || flights.containsKey(key)) {
          return answer;
        }
        started = startFlight(key);
      } else {
        if (entry != null) {
          entries.remove(key);
        }
        Flight<V> inFlight = flights.get(key);
        if (inFlight != null) {
          return joined(inFlight);
        }
        started = startFlight(key);
        answer = started.answer().future();
      }
    }
    Future<V> looking;
    try {
      looking = lookup.get();
    } catch (RuntimeException e) {
      looking = Future.failedFuture(e);
    }
    looking.onComplete(result -> land(key, started, result));
    return answer;
  }

  /** Drops {@code key}'s entry; a lookup of it in flight will not be stored. */
  synchronized void invalidate(String key) {
    entries.remove(key);
    flights.remove(key);
  }

  /** Drops every entry; no lookup in flight will be stored. */
  synchronized void invalidateAll() {
    entries.clear();
    flights.clear();
  }

  /** Whether a lookup of {@code key} is in flight (and would be stored). */
  synchronized boolean inFlight(String key) {
    return flights.containsKey(key);
  }

  synchronized int size() {
    return entries.size();
  }

  private Flight<V> startFlight(String key) {
    Flight<V> flight = new Flight<>(Promise.promise(), Vertx.currentContext());
    flights.put(key, flight);
    return flight;
  }

  private void land(String key, Flight<V> flight, AsyncResult<V> result) {
    synchronized (this) {
      // Only the flight still registered may store: one forgotten by an invalidation may not.
      if (flights.get(key) == flight) {
        flights.remove(key);
        if (result.succeeded()) {
          entries.put(key, new Entry<>(result.result(), clock.getAsLong()));
        } else if (refusal.test(result.cause())) {
          entries.remove(key);
        }
      }
    }
    flight.answer().handle(result);
  }

  /** The flight's answer, delivered on the caller's event loop when the flight was started on another. */
  private static <V> Future<V> joined(Flight<V> flight) {
    Context here = Vertx.currentContext();
    if (here == null || here == flight.startedOn()) {
      return flight.answer().future();
    }
    Promise<V> local = Promise.promise();
    flight.answer().future().onComplete(result -> here.runOnContext(v -> local.handle(result)));
    return local.future();
  }
}
