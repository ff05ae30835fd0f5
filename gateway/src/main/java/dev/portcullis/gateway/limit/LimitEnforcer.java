package dev.portcullis.gateway.limit;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.limit.LimitCounter;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.limit.LimitMetric;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.common.metrics.BoundedLabels;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import dev.portcullis.gateway.limit.LimitAdmission.Reservation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces the limit rules on one gateway event loop. Before a call: every rule that covers it
 * reserves on its counters at once (a request, the estimated tokens, a stream, the estimated cost);
 * a hard rule that would pass its limit refuses the call, and everything the call reserved is given
 * back. After it ({@link #settle}): tokens and spend are corrected to what the call really used,
 * a stream is released. The counters are shared ({@link LimitCounters}), so the same holds
 * however many gateways run. When they (or the ledger, for spend) cannot be reached, the settings
 * decide: a spend limit refuses by default, a rate lets the call through; either way a metric
 * counts it and a line is logged.
 */
public final class LimitEnforcer {

  private static final Logger LOG = LoggerFactory.getLogger(LimitEnforcer.class);
  public static final String REFUSALS = "portcullis.limits.refusals";
  public static final String SOFT = "portcullis.limits.soft.exceeded";
  public static final String UNAVAILABLE = "portcullis.limits.unavailable";
  public static final String RULE_HEADER = "x-portcullis-limit-rule";
  private static final long LOG_EVERY_MS = 10_000;
  private static final long SEED_TIMEOUT_MS = 5_000;
  /** {@code values()} copies its array at every call. */
  private static final LimitMetric[] METRICS = LimitMetric.values();

  private final Vertx vertx;
  private final LimitRuleBook book;
  private final LimitCounters counters;
  private final LimitSettings settings;
  private final MeterRegistry registry;
  private final PriceQuotes prices;
  private final BoundedLabels ruleLabels = new BoundedLabels(512, "none");
  private final Map<String, Future<Void>> seeding = new HashMap<>();
  /** Each rule's counter keys, made once per version of the rules rather than once per call. */
  private final Map<LimitRule, String[]> keys = new java.util.IdentityHashMap<>();
  private RuleIndex keyedFor;
  /** When each kind of outage ("spend refused", "rates allowed", ...) was last logged. */
  private final Map<String, Long> lastUnavailableLog = new HashMap<>();

  public LimitEnforcer(Vertx vertx, LimitRuleBook book, LimitCounters counters, LimitSettings settings,
      MeterRegistry registry) {
    this.vertx = vertx;
    this.book = book;
    this.counters = counters;
    this.settings = settings;
    this.registry = registry;
    this.prices = new PriceQuotes(vertx);
  }

  /**
   * Checks a call against the rules. Never fails: a refusal is in the admission.
   *
   * @param model the model the call asks for ({@code null} when it names none)
   */
  public Future<LimitAdmission> admit(CallerKind callerKind, String callerId, String proxyId, String provider,
      String model, boolean stream, Buffer body) {
    RuleIndex index = book.current();
    if (index == null) {
      return Future.succeededFuture(unavailableBeforeRules());
    }
    List<LimitRule> rules = index.applicable(callerKind, callerId, proxyId, provider, model);
    if (rules.isEmpty()) {
      return Future.succeededFuture(LimitAdmission.NONE);
    }
    if (index != keyedFor) {
      keys.clear();
      keyedFor = index;
    }
    boolean tokens = false;
    boolean spend = false;
    for (LimitRule rule : rules) {
      tokens |= rule.tokensPerMinute() != null || rule.spendUsd() != null;
      spend |= rule.spendUsd() != null;
    }
    TokenEstimate estimate = tokens ? TokenEstimate.of(body, settings.defaultOutputTokens()) : TokenEstimate.NONE;
    String target = provider + ":" + (model == null ? "" : model);
    Future<PriceQuotes.Rates> rates = spend ? prices.rates(provider, model == null ? "" : model)
        : Future.succeededFuture();
    if (rates.isComplete()) {
      // The usual case (no spend rule, or its model's rates kept): no listener, no future per stage.
      return reserveAll(rules, stream, estimate, rates.succeeded() ? rates.result() : null, rates.failed(), target);
    }
    return rates.transform(priced -> reserveAll(rules, stream, estimate,
        priced.succeeded() ? priced.result() : null, priced.failed(), target));
  }

  /** One limit of one rule, its counter, and what the call asks of it. */
  private record Check(LimitRule rule, LimitMetric metric, String key, long amount, long limit) {}

  private String key(LimitRule rule, LimitMetric metric) {
    String[] ofRule = keys.computeIfAbsent(rule, r -> new String[METRICS.length]);
    String key = ofRule[metric.ordinal()];
    if (key == null) {
      key = metric.key(rule);
      ofRule[metric.ordinal()] = key;
    }
    return key;
  }

  private record Refusal(GatewayError error, Map<String, String> headers, String ruleId) {}

  private Future<LimitAdmission> reserveAll(List<LimitRule> rules, boolean stream, TokenEstimate estimate,
      PriceQuotes.Rates rates, boolean ledgerUnreachable, String target) {
    List<Check> checks = new ArrayList<>();
    List<String> soft = new ArrayList<>(0);
    for (LimitRule rule : rules) {
      for (LimitMetric metric : METRICS) {
        long limit = metric.limitOf(rule);
        if (limit < 0 || metric == LimitMetric.STREAMS && !stream) {
          continue;
        }
        long amount = switch (metric) {
          case REQUESTS, STREAMS -> 1;
          case TOKENS -> estimate.total();
          case SPEND -> rates == null ? 0 : rates.estimate(estimate);
        };
        if (metric == LimitMetric.SPEND && rates == null) {
          if (ledgerUnreachable) {
            if (settings.refuseSpendWhenUnavailable()) {
              return Future.succeededFuture(unavailable(rule, metric, target, true));
            }
            unavailable(rule, metric, target, false);
            continue;
          }
          // No price: the call's cost cannot be counted, so a hard budget cannot let it through.
          if (rule.hard()) {
            return Future.succeededFuture(refused(new Refusal(GatewayError.of(ErrorKind.PERMISSION,
                "Limit rule '" + rule.name() + "' (" + rule.id() + ") caps spend, and Portcullis knows no price for "
                    + target + ", so it cannot count this call against it. Give the model a price with"
                    + " PUT /api/admin/prices, or leave it out of the rule's models."),
                Map.of(RULE_HEADER, rule.id()), rule.id()), target));
          }
          soft.add(rule.id());
          continue;
        }
        checks.add(new Check(rule, metric, key(rule, metric), amount, limit));
      }
    }
    List<Future<LimitCounter.Outcome>> outcomes = new ArrayList<>(checks.size());
    for (Check check : checks) {
      outcomes.add(reserve(check));
    }
    for (Future<LimitCounter.Outcome> outcome : outcomes) {
      if (!outcome.isComplete()) {
        return Future.join(outcomes).transform(done -> Future.succeededFuture(decide(checks, outcomes, soft, target)));
      }
    }
    // Counters in this process answer at once: decided here, without joining the futures.
    return Future.succeededFuture(decide(checks, outcomes, soft, target));
  }

  /** Admits the call when every hard limit took its reservation; refuses it, giving them all back, otherwise. */
  private LimitAdmission decide(List<Check> checks, List<Future<LimitCounter.Outcome>> outcomes, List<String> soft,
      String target) {
    List<Reservation> held = new ArrayList<>(checks.size());
    Refusal refusal = null;
    for (int i = 0; i < checks.size(); i++) {
      Check check = checks.get(i);
      Future<LimitCounter.Outcome> outcome = outcomes.get(i);
      if (outcome.failed()) {
        boolean isSpend = check.metric() == LimitMetric.SPEND;
        boolean refuse = isSpend ? settings.refuseSpendWhenUnavailable() : settings.refuseRatesWhenUnavailable();
        LimitAdmission unavailable = unavailable(check.rule(), check.metric(), target, refuse);
        if (refuse && refusal == null) {
          refusal = new Refusal(unavailable.refusal, unavailable.refusalHeaders, check.rule().id());
        }
        continue;
      }
      LimitCounter.Outcome result = outcome.result();
      if (result.admitted()) {
        held.add(new Reservation(check.rule(), check.metric(), check.key(),
            check.metric().windowOf(check.rule()), result.bucket(), check.amount()));
        if (!check.rule().hard() && result.used() > check.limit()) {
          soft.add(check.rule().id());
          count(SOFT, check.rule(), check.metric());
        }
      } else if (refusal == null) {
        refusal = new Refusal(limited(check, result), headers(check, result), check.rule().id());
        count(REFUSALS, check.rule(), check.metric());
      }
    }
    if (refusal != null) {
      // Refused: nothing this call reserved stays counted.
      for (Reservation reservation : held) {
        adjust(reservation, -reservation.amount());
      }
      return refused(refusal, target);
    }
    return new LimitAdmission(held, soft.isEmpty() ? null : String.join(",",
        soft.stream().distinct().toList()), null, null, null, target);
  }

  /** Reserves on one counter; a spend counter nobody seeded yet is seeded from the ledger first. */
  private Future<LimitCounter.Outcome> reserve(Check check) {
    LimitWindow window = check.metric().windowOf(check.rule());
    String key = check.key();
    boolean spend = check.metric() == LimitMetric.SPEND;
    Future<LimitCounter.Outcome> reserved = counters.reserve(key, window, check.amount(), check.limit(),
        check.rule().hard(), spend);
    if (reserved.succeeded() && !reserved.result().needsSeed()) {
      return reserved;
    }
    return reserved
        .compose(outcome -> !outcome.needsSeed() ? Future.succeededFuture(outcome)
            : seed(check.rule(), key, window).compose(v -> counters.reserve(key, window, check.amount(),
                check.limit(), check.rule().hard(), true)))
        .compose(outcome -> outcome.needsSeed()
            ? Future.failedFuture(new IllegalStateException("the spend counter of " + key + " was not seeded"))
            : Future.succeededFuture(outcome));
  }

  /** Reads what the ledger holds of a spend rule's window into its counter, once per counter at a time. */
  private Future<Void> seed(LimitRule rule, String key, LimitWindow window) {
    Future<Void> running = seeding.get(key);
    if (running != null) {
      return running;
    }
    Future<Void> seeded = vertx.eventBus().<JsonObject>request(Addresses.LIMITS_SPENT,
            new JsonObject().put("ruleId", rule.id()), new DeliveryOptions().setSendTimeout(SEED_TIMEOUT_MS))
        .compose(reply -> {
          Map<Long, Long> buckets = new HashMap<>();
          JsonObject amounts = reply.body().getJsonObject("buckets", new JsonObject());
          for (String bucket : amounts.fieldNames()) {
            buckets.put(Long.parseLong(bucket), amounts.getLong(bucket));
          }
          return counters.seed(key, window, buckets);
        })
        .mapEmpty();
    seeding.put(key, seeded);
    seeded.onComplete(done -> seeding.remove(key));
    return seeded;
  }

  /**
   * Settles a call that ended: tokens and spend to what it used (everything given back when it
   * failed without using any), its stream released. Nothing waits for it.
   *
   * @param usage  what the provider reported ({@code null} or unknown counts: nothing reported)
   * @param status the status the client got
   */
  public void settle(LimitAdmission admission, Usage usage, int status) {
    if (admission == null || admission.reservations.isEmpty()) {
      return;
    }
    boolean reported = usage != null && usage.known();
    boolean failed = status >= 400;
    for (Reservation reservation : admission.reservations) {
      switch (reservation.metric()) {
        case REQUESTS -> { }
        case STREAMS -> adjust(reservation, -reservation.amount());
        case TOKENS -> {
          if (reported) {
            long used = Math.max(0, usage.inputTokens()) + Math.max(0, usage.outputTokens());
            adjust(reservation, used - reservation.amount());
          } else if (failed) {
            adjust(reservation, -reservation.amount());
          }
        }
        case SPEND -> {
          if (reported) {
            settleSpend(reservation, admission.target, usage, failed);
          } else if (failed) {
            adjust(reservation, -reservation.amount());
          }
        }
      }
    }
  }

  private void settleSpend(Reservation reservation, String target, Usage usage, boolean failed) {
    int colon = target.indexOf(':');
    String provider = target.substring(0, colon);
    String model = usage.model() != null ? usage.model() : target.substring(colon + 1);
    prices.settlementCost(provider, model, usage).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        adjust(reservation, LimitAmounts.nanoUsd(ar.result()) - reservation.amount());
      } else if (ar.succeeded() && failed) {
        adjust(reservation, -reservation.amount());
      }
      // A ledger that cannot price it now: the estimate stays counted, never less.
    });
  }

  private void adjust(Reservation reservation, long delta) {
    if (delta == 0) {
      return;
    }
    counters.adjust(reservation.key(), reservation.window(), reservation.bucket(), delta).onFailure(err ->
        logUnavailable("settle", "could not settle " + reservation.metric().header() + " of limit rule "
            + reservation.rule().id() + ": " + err.getMessage()));
  }

  /** A refused call holds nothing: whatever it reserved was given back. */
  private LimitAdmission refused(Refusal refusal, String target) {
    return new LimitAdmission(List.of(), null, refusal.error(), refusal.headers(), refusal.ruleId(), target);
  }

  /** Before the first rules arrived nothing is known: each kind of limit does what it does when unreachable. */
  private LimitAdmission unavailableBeforeRules() {
    boolean refuse = settings.refuseSpendWhenUnavailable() || settings.refuseRatesWhenUnavailable();
    registry.counter(UNAVAILABLE, "limit", "rules", "action", refuse ? "refused" : "allowed").increment();
    logUnavailable("rules", "the limit rules are not known yet");
    if (!refuse) {
      return LimitAdmission.NONE;
    }
    return new LimitAdmission(List.of(), null, GatewayError.unavailable("Portcullis does not know its limit rules"
        + " yet (the usage ledger has not answered), so it cannot tell whether this call is within them; retry"
        + " shortly."), Map.of("Retry-After", "1"), null, null);
  }

  private LimitAdmission unavailable(LimitRule rule, LimitMetric metric, String target, boolean refuse) {
    boolean spend = metric == LimitMetric.SPEND;
    registry.counter(UNAVAILABLE, "limit", spend ? "spend" : "rates", "action", refuse ? "refused" : "allowed")
        .increment();
    logUnavailable((spend ? "spend " : "rates ") + refuse, "the " + metric.header() + " limit of rule " + rule.id()
        + " could not be checked; the call was " + (refuse ? "refused" : "allowed") + " ("
        + (spend ? LimitSettings.SPEND_WHEN_UNAVAILABLE : LimitSettings.RATES_WHEN_UNAVAILABLE) + ")");
    if (!refuse) {
      return LimitAdmission.NONE;
    }
    return new LimitAdmission(List.of(), null, GatewayError.unavailable("Limit rule '" + rule.name() + "' ("
        + rule.id() + ") cannot be checked now: the limits' shared state is unreachable, and such calls are refused"
        + " until it is back. Retry shortly."), Map.of("Retry-After", "1", RULE_HEADER, rule.id()), rule.id(), target);
  }

  /** Logs an outage once per kind every {@value #LOG_EVERY_MS} ms: a down store must not flood the log. */
  private void logUnavailable(String kind, String what) {
    long now = System.currentTimeMillis();
    Long last = lastUnavailableLog.get(kind);
    if (last == null || now - last >= LOG_EVERY_MS) {
      lastUnavailableLog.put(kind, now);
      LOG.warn("Limits: {} (logged at most every {} s; the {} metric counts each)", what, LOG_EVERY_MS / 1000,
          UNAVAILABLE);
    }
  }

  private void count(String name, LimitRule rule, LimitMetric metric) {
    Counter.builder(name).tag("rule", ruleLabels.label(rule.id())).tag("limit", metric.header())
        .register(registry).increment();
  }

  private static GatewayError limited(Check check, LimitCounter.Outcome outcome) {
    LimitRule rule = check.rule();
    String subject = switch (rule.appliesTo().kind()) {
      case VIRTUAL_KEY -> "this virtual key";
      case OAUTH_CLIENT -> "this OAuth client";
      case LLM_PROXY -> "LLM proxy " + rule.appliesTo().id();
      case ORGANIZATION -> "the organization";
    };
    String allows = switch (check.metric()) {
      case REQUESTS -> check.limit() + " requests per minute";
      case TOKENS -> check.limit() + " tokens per minute";
      case STREAMS -> check.limit() + " concurrent streams";
      case SPEND -> "$" + LimitAmounts.usd(check.limit()).toPlainString() + " of spend per "
          + spendWindow(rule.spendUsd().window());
    };
    String used = switch (check.metric()) {
      case SPEND -> "$" + LimitAmounts.usd(outcome.used()).toPlainString() + " used";
      case TOKENS -> outcome.used() + " used, and this call may use about " + check.amount()
          + " (its input and its output cap)";
      case REQUESTS -> outcome.used() + " made in the last minute";
      case STREAMS -> outcome.used() + " in use";
    };
    String retry = check.amount() > check.limit()
        ? " This call alone is over the limit; make it smaller or raise the limit."
        : outcome.retryAt() > 0 ? " Retry after " + retryAfterSeconds(outcome) + " s." : " Retry when one ends.";
    return GatewayError.of(ErrorKind.RATE_LIMITED, "Limit rule '" + rule.name() + "' (" + rule.id() + ") allows "
        + allows + " for " + subject + "; " + used + "." + retry);
  }

  private static String spendWindow(LimitWindow window) {
    return window instanceof LimitWindow.Calendar calendar ? calendar.wire() : window.wire() + " (rolling)";
  }

  private static long retryAfterSeconds(LimitCounter.Outcome outcome) {
    return Math.max(1, (outcome.retryAt() - System.currentTimeMillis() + 999) / 1000);
  }

  /** {@code Retry-After}, and OpenAI's {@code x-ratelimit-*} headers for the limit that fired. */
  private static Map<String, String> headers(Check check, LimitCounter.Outcome outcome) {
    Map<String, String> headers = new HashMap<>();
    long now = System.currentTimeMillis();
    long retry = outcome.retryAt() > 0 ? retryAfterSeconds(outcome)
        : outcome.resetAt() > 0 ? Math.max(1, (outcome.resetAt() - now + 999) / 1000) : 1;
    headers.put("Retry-After", Long.toString(retry));
    String name = check.metric().header();
    boolean spend = check.metric() == LimitMetric.SPEND;
    long remaining = Math.max(0, check.limit() - outcome.used());
    headers.put("x-ratelimit-limit-" + name, spend ? LimitAmounts.usd(check.limit()).toPlainString()
        : Long.toString(check.limit()));
    headers.put("x-ratelimit-remaining-" + name, spend ? LimitAmounts.usd(remaining).toPlainString()
        : Long.toString(remaining));
    if (outcome.resetAt() > 0) {
      headers.put("x-ratelimit-reset-" + name, Math.max(0, (outcome.resetAt() - now + 999) / 1000) + "s");
    }
    headers.put(RULE_HEADER, check.rule().id());
    return headers;
  }
}
