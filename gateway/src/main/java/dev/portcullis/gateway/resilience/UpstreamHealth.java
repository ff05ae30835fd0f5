package dev.portcullis.gateway.resilience;

import dev.portcullis.common.bus.UpstreamCredential;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What this gateway knows of its upstreams' health, shared by its event loops ({@link #attach}):
 * a circuit breaker per stored provider key and per upstream host (resilience4j: it opens when
 * the share of failed calls in a time window passes the threshold, refuses for a while, then lets
 * a few probes through), and which keys rest after a failure (for the upstream's
 * {@code Retry-After}, or a back-off that doubles with each failure in a row). A resting key is
 * used only when no other can take the call; an open circuit is never used.
 *
 * <p>The state is this gateway's own: gateways of a cluster learn each on its own calls, which
 * needs no shared state on the hot path and converges within a window.
 */
public final class UpstreamHealth implements Shareable {

  /** Circuits kept at most; keys and hosts beyond it go unguarded rather than grow memory without bound. */
  static final int MAX_CIRCUITS = 10_000;
  private static final String SHARED_MAP = "portcullis.gateway.upstream-health";
  private static final String SHARED_KEY = "health";
  /** What a failed call is recorded with: the breaker needs a throwable, never a stack trace. */
  private static final Throwable FAILURE = new UpstreamFailed();

  private final RetrySettings settings;
  private final CircuitBreakerRegistry breakers;
  private final Map<String, Rest> rests = new ConcurrentHashMap<>();
  private final MeterRegistry registry;
  private final LongSupplier nanoClock;
  private final Map<String, Counter> refusals = new ConcurrentHashMap<>();
  private int users;

  UpstreamHealth(RetrySettings settings, MeterRegistry registry, LongSupplier nanoClock) {
    this.settings = settings;
    this.registry = registry;
    this.nanoClock = nanoClock;
    this.breakers = CircuitBreakerRegistry.of(CircuitBreakerConfig.custom()
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.TIME_BASED)
        .slidingWindowSize(settings.windowSeconds())
        .minimumNumberOfCalls(settings.minimumCalls())
        .failureRateThreshold(settings.failureRatePercent())
        .waitDurationInOpenState(settings.openDuration())
        .permittedNumberOfCallsInHalfOpenState(settings.halfOpenProbes())
        // Opens to probes lazily, when a call asks: no timer per circuit.
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .writableStackTraceEnabled(false)
        .build());
  }

  /** The copy shared by every gateway instance on {@code vertx}; {@link #detach} it when done. */
  public static UpstreamHealth attach(Vertx vertx, RetrySettings settings, MeterRegistry registry) {
    LocalMap<String, UpstreamHealth> shared = vertx.sharedData().getLocalMap(SHARED_MAP);
    return shared.compute(SHARED_KEY, (key, health) -> {
      UpstreamHealth current = health != null ? health : new UpstreamHealth(settings, registry, System::nanoTime);
      current.users++;
      return current;
    });
  }

  /** Called once per {@link #attach}; the last one forgets the shared copy. */
  public void detach(Vertx vertx) {
    LocalMap<String, UpstreamHealth> shared = vertx.sharedData().getLocalMap(SHARED_MAP);
    shared.computeIfPresent(SHARED_KEY, (key, health) -> {
      if (health != this) {
        return health;
      }
      health.users--;
      return health.users > 0 ? health : null;
    });
  }

  public RetrySettings settings() {
    return settings;
  }

  /**
   * Picks the key for the next attempt on {@code provider} and takes a permit of its circuits:
   * among the {@code keys} not yet {@code tried}, by weight among those neither resting nor open;
   * failing that, the resting one that wakes first. With no keys (passthrough, a server identity)
   * only the provider's host circuit is asked.
   *
   * @param baseUrl the upstream base URL when the call names none by its key (null: the provider's own)
   * @return the pick, or a refusal naming the open circuit when none can take the call
   */
  public Pick pick(String provider, List<UpstreamCredential> keys, Collection<UpstreamCredential> tried,
      String baseUrl) {
    if (keys.isEmpty()) {
      CircuitBreaker host = circuit(provider, "host", hostOf(baseUrl));
      return host == null || host.tryAcquirePermission() ? new Pick(null, null, host) : refused(provider, host);
    }
    List<UpstreamCredential> awake = new ArrayList<>(keys.size());
    List<UpstreamCredential> resting = new ArrayList<>(2);
    long now = nanoClock.getAsLong();
    for (UpstreamCredential key : keys) {
      if (!tried.contains(key)) {
        (restingAt(key, now) ? resting : awake).add(key);
      }
    }
    CircuitBreaker lastRefused = null;
    while (!awake.isEmpty()) {
      UpstreamCredential key = weighted(awake);
      Pick pick = permit(provider, key);
      if (pick.refusedBy() == null) {
        return pick;
      }
      lastRefused = pick.refusedBy();
      awake.remove(key);
    }
    resting.sort((a, b) -> Long.compare(restEnd(a), restEnd(b)));
    for (UpstreamCredential key : resting) {
      Pick pick = permit(provider, key);
      if (pick.refusedBy() == null) {
        return pick;
      }
      lastRefused = pick.refusedBy();
    }
    return lastRefused == null ? null : refused(provider, lastRefused);
  }

  /** Whether another key than those {@code tried} could take a call on {@code provider} now. */
  public boolean hasUntried(List<UpstreamCredential> keys, Collection<UpstreamCredential> tried) {
    for (UpstreamCredential key : keys) {
      if (!tried.contains(key)) {
        return true;
      }
    }
    return false;
  }

  private Pick permit(String provider, UpstreamCredential key) {
    CircuitBreaker keyCircuit = key.keyId() == null ? null : circuit(provider, "key", key.keyId());
    if (keyCircuit != null && !keyCircuit.tryAcquirePermission()) {
      return new Pick(key, keyCircuit, null, keyCircuit);
    }
    CircuitBreaker host = circuit(provider, "host", hostOf(key.baseUrl()));
    if (host != null && !host.tryAcquirePermission()) {
      if (keyCircuit != null) {
        keyCircuit.releasePermission();
      }
      return new Pick(key, null, null, host);
    }
    return new Pick(key, keyCircuit, host);
  }

  private Pick refused(String provider, CircuitBreaker open) {
    refusals.computeIfAbsent(provider, p -> Counter.builder("portcullis_circuit_refusals")
        .description("Calls refused at once because every circuit that could take them was open")
        .tag("provider", p).register(registry)).increment();
    return new Pick(null, null, null, open);
  }

  private static UpstreamCredential weighted(List<UpstreamCredential> keys) {
    if (keys.size() == 1) {
      return keys.get(0);
    }
    int total = 0;
    for (UpstreamCredential key : keys) {
      total += key.weight();
    }
    int roll = ThreadLocalRandom.current().nextInt(total);
    for (UpstreamCredential key : keys) {
      roll -= key.weight();
      if (roll < 0) {
        return key;
      }
    }
    return keys.get(keys.size() - 1);
  }

  private boolean restingAt(UpstreamCredential key, long now) {
    Rest rest = key.keyId() == null ? null : rests.get(key.keyId());
    return rest != null && now - rest.untilNanos < 0;
  }

  private long restEnd(UpstreamCredential key) {
    Rest rest = rests.get(key.keyId());
    return rest == null ? Long.MIN_VALUE : rest.untilNanos;
  }

  /**
   * The key failed: it rests for {@code retryAfterMs} when the upstream said, else for the rest
   * setting doubled per failure in a row; never longer than the longest rest.
   */
  void rest(UpstreamCredential key, long retryAfterMs) {
    if (key == null || key.keyId() == null || rests.size() >= MAX_CIRCUITS && !rests.containsKey(key.keyId())) {
      return;
    }
    Rest rest = rests.computeIfAbsent(key.keyId(), id -> new Rest());
    synchronized (rest) {
      rest.failuresInRow = Math.min(rest.failuresInRow + 1, 30);
      long ms = retryAfterMs >= 0 ? retryAfterMs : settings.restMs() << Math.min(rest.failuresInRow - 1, 20);
      rest.untilNanos = nanoClock.getAsLong() + TimeUnit.MILLISECONDS.toNanos(Math.min(ms, settings.maxRestMs()));
    }
  }

  /** The key answered: its rest (if any) is over. */
  void recovered(UpstreamCredential key) {
    if (key != null && key.keyId() != null && !rests.isEmpty()) {
      rests.remove(key.keyId());
    }
  }

  /** The circuits that are not closed, for {@code /ready}: {@code {"open":[...],"halfOpen":[...]}}. */
  public JsonObject circuits() {
    JsonArray open = new JsonArray();
    JsonArray halfOpen = new JsonArray();
    breakers.getAllCircuitBreakers().forEach(breaker -> {
      switch (breaker.getState()) {
        case OPEN, FORCED_OPEN -> open.add(breaker.getName());
        case HALF_OPEN -> halfOpen.add(breaker.getName());
        default -> { }
      }
    });
    return new JsonObject().put("open", open).put("halfOpen", halfOpen);
  }

  /** The circuit {@code provider/kind/id}, made (and its state gauge registered) on first use; null past the cap. */
  private CircuitBreaker circuit(String provider, String kind, String id) {
    String name = provider + '/' + kind + '/' + id;
    return breakers.find(name).orElseGet(() -> {
      if (breakers.getAllCircuitBreakers().size() >= MAX_CIRCUITS) {
        return null;
      }
      CircuitBreaker breaker = breakers.circuitBreaker(name);
      Gauge.builder("portcullis_circuit_state", breaker, UpstreamHealth::stateValue)
          .description("State of a circuit: 0 closed, 1 open, 2 half-open")
          .tag("circuit", name).tag("provider", provider).tag("kind", kind)
          .register(registry);
      return breaker;
    });
  }

  private static double stateValue(CircuitBreaker breaker) {
    return switch (breaker.getState()) {
      case CLOSED, DISABLED, METRICS_ONLY -> 0;
      case OPEN, FORCED_OPEN -> 1;
      case HALF_OPEN -> 2;
    };
  }

  /**
   * The host (and port) of a base URL, which is all a circuit or a metric label may show of it
   * (never a path, query or user info); {@code default} for the provider's own.
   */
  static String hostOf(String baseUrl) {
    if (baseUrl == null || baseUrl.isBlank()) {
      return "default";
    }
    try {
      URI uri = URI.create(baseUrl.trim());
      String host = uri.getHost();
      if (host == null) {
        return "custom";
      }
      return uri.getPort() > 0 ? host + ':' + uri.getPort() : host;
    } catch (IllegalArgumentException e) {
      return "custom";
    }
  }

  /** When a key may be used again without being the last resort. */
  private static final class Rest {
    volatile long untilNanos;
    int failuresInRow;
  }

  /**
   * One attempt's key and the permits of its circuits; tell it how the attempt went exactly once
   * ({@link #succeeded}, {@link #failed} or {@link #released}).
   *
   * @param key       the key to send (null: the call's own credential)
   * @param refusedBy the open circuit that refused the attempt, or null when it may go
   */
  public record Pick(UpstreamCredential key, CircuitBreaker keyCircuit, CircuitBreaker hostCircuit,
      CircuitBreaker refusedBy) {

    Pick(UpstreamCredential key, CircuitBreaker keyCircuit, CircuitBreaker hostCircuit) {
      this(key, keyCircuit, hostCircuit, null);
    }

    public boolean refused() {
      return refusedBy != null;
    }

    /** The open circuit's name, for the caller's 503 ({@code openai/host/api.openai.com}). */
    public String refusedCircuit() {
      return refusedBy == null ? null : refusedBy.getName();
    }
  }

  /** Records how an attempt went on its circuits and its key. */
  public void record(Pick pick, AttemptVerdict verdict, long elapsedNanos) {
    if (pick == null || pick.refused()) {
      return;
    }
    switch (verdict.kind()) {
      case SUCCESS, NOT_UPSTREAM -> {
        onSuccess(pick.keyCircuit(), elapsedNanos);
        onSuccess(pick.hostCircuit(), elapsedNanos);
        recovered(pick.key());
      }
      case RETRY, FAILED -> {
        onError(pick.keyCircuit(), elapsedNanos);
        if (verdict.keyOnly()) {
          // The host answered: it is up, whatever it thinks of this key.
          onSuccess(pick.hostCircuit(), elapsedNanos);
        } else {
          onError(pick.hostCircuit(), elapsedNanos);
        }
        rest(pick.key(), verdict.retryAfterMs());
      }
    }
  }

  /** The attempt ended without a word on the upstream (the client went away first): permits back. */
  public void release(Pick pick) {
    if (pick == null || pick.refused()) {
      return;
    }
    if (pick.keyCircuit() != null) {
      pick.keyCircuit().releasePermission();
    }
    if (pick.hostCircuit() != null) {
      pick.hostCircuit().releasePermission();
    }
  }

  private static void onSuccess(CircuitBreaker breaker, long nanos) {
    if (breaker != null) {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
  }

  private static void onError(CircuitBreaker breaker, long nanos) {
    if (breaker != null) {
      breaker.onError(nanos, TimeUnit.NANOSECONDS, FAILURE);
    }
  }

  /** The breakers' record of a failed call; carries nothing of it. */
  private static final class UpstreamFailed extends RuntimeException {
    UpstreamFailed() {
      super("upstream failed", null, false, false);
    }
  }
}
