package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.gateway.observe.GenAiSpans;
import dev.portcullis.gateway.resilience.AttemptVerdict;
import dev.portcullis.gateway.resilience.RetrySettings;
import dev.portcullis.gateway.resilience.UpstreamHealth;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Sends a call until one attempt answers, within the retry rule: another attempt is made only
 * when nothing of an answer has reached the client and the upstream failed in a way that means
 * it did not act on the request ({@link AttemptVerdict}). The next attempt goes to another key of
 * the provider when there is one (picked by weight among the healthy, {@link UpstreamHealth}), else
 * to the same key after a back-off (or the upstream's {@code Retry-After}, when it is short), else to
 * the next fallback model of the model router. Attempts per model are bounded by the settings and
 * by the caller's {@code x-portcullis-max-retries} (lowered only), all of them by the retry budget.
 *
 * <p>A streamed answer is looked at before it is relayed, while another attempt is still
 * possible: its head is held until its first frame is here, and a stream that failed before its
 * first event is tried again like any retry-safe failure. From the first relayed byte on, the call
 * is never repeated.
 */
final class Attempts {

  static final String MAX_RETRIES_HEADER = "x-portcullis-max-retries";
  /** The models a model-router call went through, the one that answered last. */
  static final String ROUTE_HEADER = "x-portcullis-route";
  /** How many attempts a call took, when it took more than one. */
  static final String ATTEMPTS_HEADER = "x-portcullis-attempts";

  /**
   * One way of serving the call: where it goes, the message, the keys it may use (empty: the
   * message's own credential only), the provider whose health it is, and for the model router the
   * model it names ({@code provider:model}, else null).
   */
  record Target(BusDestination destination, ProxyRequest request, List<UpstreamCredential> keys, String provider,
      String model) {}

  private final Vertx vertx;
  private final CallSender sender;
  private final UpstreamHealth health;
  private final RetrySettings settings;
  private final MeterRegistry registry;
  private final Map<String, Counter> retries = new ConcurrentHashMap<>();
  private final Map<String, Counter> fallbacks = new ConcurrentHashMap<>();
  private final Map<String, Counter> failovers = new ConcurrentHashMap<>();

  Attempts(Vertx vertx, CallSender sender, UpstreamHealth health, MeterRegistry registry) {
    this.vertx = vertx;
    this.sender = sender;
    this.health = health;
    this.settings = health.settings();
    this.registry = registry;
  }

  /**
   * The caller's cap on retries from {@code x-portcullis-max-retries}: -1 when absent.
   *
   * @throws GatewayException a 400 when the header is not a whole number from 0 to 100
   */
  static int maxRetriesOf(String header) {
    if (header == null) {
      return -1;
    }
    String value = header.trim();
    if (value.isEmpty() || value.length() > 3 || !value.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(value) > 100) {
      throw GatewayError.invalidRequest("The " + MAX_RETRIES_HEADER + " header must be a whole number from 0 to 100.",
          MAX_RETRIES_HEADER).toException();
    }
    return Integer.parseInt(value);
  }

  /**
   * Sends the call to its first target, and on to the others as the rule allows; completes with
   * the reply to relay (the last one when every attempt failed) or fails with the error to answer.
   *
   * @param maxRetries the caller's cap ({@link #maxRetriesOf}), -1 for none
   */
  Future<BusReply> send(Call call, List<Target> targets, int maxRetries, HttpServerResponse response,
      GenAiSpans.CallSpan span) {
    int perTarget = maxRetries < 0 ? settings.maxAttempts() : Math.min(settings.maxAttempts(), maxRetries + 1);
    return new Run(call, targets, maxRetries == 0 ? 1 : perTarget, maxRetries != 0, response, span).start();
  }

  /** One call's attempts; lives on the call's event loop. */
  private final class Run {

    private final Promise<BusReply> result = Promise.promise();
    private final Call call;
    private final List<Target> targets;
    private final int perTarget;
    private final boolean mayFallBack;
    private final HttpServerResponse response;
    private final GenAiSpans.CallSpan span;
    private final long deadlineNanos;
    private final Set<UpstreamCredential> tried = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<String> route = new ArrayList<>(2);
    private int targetIndex;
    private int onTarget;
    private int attempts;
    private BusReply lastReply;
    private Throwable lastFailure;

    Run(Call call, List<Target> targets, int perTarget, boolean mayFallBack, HttpServerResponse response,
        GenAiSpans.CallSpan span) {
      this.call = call;
      this.targets = targets;
      this.perTarget = perTarget;
      this.mayFallBack = mayFallBack;
      this.response = response;
      this.span = span;
      this.deadlineNanos = call.startedNanos + TimeUnit.MILLISECONDS.toNanos(settings.budgetMs());
    }

    Future<BusReply> start() {
      attempt();
      return result.future();
    }

    private void attempt() {
      Target target = targets.get(targetIndex);
      UpstreamCredential own = target.request().credential();
      UpstreamHealth.Pick pick = health.pick(target.provider(), target.keys(), tried,
          own == null ? null : own.baseUrl());
      if (pick == null || pick.refused()) {
        // No key of this target can take the call now: the next model, or the answer so far.
        if (nextTarget()) {
          attempt();
        } else {
          giveUp(pick);
        }
        return;
      }
      if (pick.key() != null) {
        tried.add(pick.key());
      }
      ProxyRequest request = pick.key() == null || pick.key() == own ? target.request()
          : target.request().toBuilder().credential(pick.key()).build();
      attempts++;
      onTarget++;
      if (target.model() != null && (route.isEmpty() || !route.get(route.size() - 1).equals(target.model()))) {
        route.add(target.model());
      }
      call.targetProvider = target.provider();
      if (target.model() != null) {
        call.requestedModel = request.model();
      }
      long started = System.nanoTime();
      sender.send(target.destination(), request, call.stream, span).onComplete(ar -> {
        try {
          judge(target, pick, started, ar.succeeded() ? ar.result() : null, ar.cause());
        } catch (RuntimeException bug) {
          health.release(pick);
          finish(null, bug);
        }
      });
    }

    private void judge(Target target, UpstreamHealth.Pick pick, long started, BusReply reply, Throwable failure) {
      if (failure != null) {
        AttemptVerdict verdict = failure instanceof GatewayException known
            ? AttemptVerdict.ofError(known.error()) : AttemptVerdict.NOT_UPSTREAM;
        health.record(pick, verdict, System.nanoTime() - started);
        decide(target, verdict, null, failure);
        return;
      }
      if (reply instanceof BusReply.Whole whole) {
        AttemptVerdict verdict = whole.body() instanceof ProxyResponse answer
            ? AttemptVerdict.ofAnswer(answer.status(), answer.headers(), answer.body(), System.currentTimeMillis())
            : whole.body() instanceof GatewayError error ? AttemptVerdict.ofError(error) : AttemptVerdict.NOT_UPSTREAM;
        health.record(pick, verdict, System.nanoTime() - started);
        decide(target, verdict, reply, null);
        return;
      }
      BusReply.Streamed streamed = (BusReply.Streamed) reply;
      if (streamed.head().status() / 100 != 2 || !anotherPossible()) {
        // Nothing can follow it: relay it as it comes.
        health.record(pick, AttemptVerdict.ofAnswer(streamed.head().status(), streamed.head().headers(), null,
            System.currentTimeMillis()), System.nanoTime() - started);
        finish(reply, null);
        return;
      }
      // Hold the head until the first frame: a stream that fails before its first event may go elsewhere.
      streamed.receiver().firstFrame().onComplete(v -> {
        GatewayError early = streamed.receiver().failureBeforeData();
        AttemptVerdict verdict = early == null ? AttemptVerdict.SUCCESS : AttemptVerdict.ofError(early);
        health.record(pick, verdict, System.nanoTime() - started);
        decide(target, verdict, reply, null);
      });
    }

    /** After an attempt: the next one when the rule allows, else this answer. */
    private void decide(Target target, AttemptVerdict verdict, BusReply reply, Throwable failure) {
      if (!verdict.retryable() || !anotherPossible()) {
        finish(reply, failure);
        return;
      }
      lastReply = reply;
      lastFailure = failure;
      if (onTarget < perTarget && health.hasUntried(target.keys(), tried)) {
        counted(retries, target.provider()).increment();
        counted(failovers, target.provider()).increment();
        discard(reply);
        attempt();
        return;
      }
      if (onTarget < perTarget) {
        long waitMs = verdict.retryAfterMs() >= 0 ? verdict.retryAfterMs()
            : settings.backoffMs() << Math.min(onTarget - 1, 16);
        if (waitMs <= settings.maxWaitMs()
            && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs) - deadlineNanos < 0) {
          counted(retries, target.provider()).increment();
          tried.clear();
          discard(reply);
          if (waitMs == 0) {
            attempt();
          } else {
            vertx.setTimer(waitMs, id -> {
              if (response.closed()) {
                finish(lastReply, lastFailure);
              } else {
                attempt();
              }
            });
          }
          return;
        }
      }
      if (nextTarget()) {
        discard(reply);
        attempt();
      } else {
        finish(reply, failure);
      }
    }

    /** A failed stream that will not be relayed: its receiver goes (its producer has ended it already). */
    private void discard(BusReply reply) {
      if (reply instanceof BusReply.Streamed streamed) {
        streamed.receiver().close();
      }
    }

    /** Moves to the next fallback model, when there is one and the caller allows it. */
    private boolean nextTarget() {
      if (!mayFallBack || targetIndex + 1 >= targets.size() || System.nanoTime() - deadlineNanos >= 0
          || response.closed()) {
        return false;
      }
      String from = targets.get(targetIndex).provider();
      targetIndex++;
      onTarget = 0;
      tried.clear();
      counted(fallbacks, from + '\0' + targets.get(targetIndex).provider()).increment();
      return true;
    }

    private boolean anotherPossible() {
      return !response.closed() && System.nanoTime() - deadlineNanos < 0
          && (onTarget < perTarget || (mayFallBack && targetIndex + 1 < targets.size()));
    }

    /** Nothing more can be tried: the last answer, or a 503 when an open circuit refused every attempt. */
    private void giveUp(UpstreamHealth.Pick refusal) {
      if (lastReply != null || lastFailure != null) {
        finish(lastReply, lastFailure);
        return;
      }
      String provider = targets.get(targetIndex).provider();
      long seconds = Math.max(1, (settings.openMs() + 999) / 1_000);
      response.putHeader("Retry-After", Long.toString(seconds));
      String circuit = refusal == null ? provider : refusal.refusedCircuit();
      finish(null, GatewayError.of(ErrorKind.UNAVAILABLE, "The " + provider + " upstream failed too often of late, "
          + "so Portcullis stopped calling it for a while (circuit " + circuit + " is open); retry in " + seconds
          + " s.").toException());
    }

    private void finish(BusReply reply, Throwable failure) {
      if (attempts > 1) {
        response.putHeader(ATTEMPTS_HEADER, Integer.toString(attempts));
      }
      if (!route.isEmpty()) {
        response.putHeader(ROUTE_HEADER, String.join(" -> ", route));
      }
      if (failure != null) {
        result.fail(failure);
      } else {
        result.complete(reply);
      }
    }
  }

  private Counter counted(Map<String, Counter> counters, String key) {
    return counters.computeIfAbsent(key, k -> {
      if (counters == retries) {
        return Counter.builder("portcullis_upstream_retries")
            .description("Attempts made again after a failure the upstream did not act on")
            .tag("provider", k).register(registry);
      }
      if (counters == failovers) {
        return Counter.builder("portcullis_upstream_failovers")
            .description("Retries that went to another key of the provider")
            .tag("provider", k).register(registry);
      }
      int split = k.indexOf('\0');
      return Counter.builder("portcullis_upstream_fallbacks")
          .description("Model-router calls passed on to their next fallback model")
          .tag("from", k.substring(0, split)).tag("to", k.substring(split + 1)).register(registry);
    });
  }
}
