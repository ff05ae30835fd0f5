package dev.portcullis.gateway.limit;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.limit.LimitAmounts;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prices for spend limits, from the usage ledger's price book ({@code portcullis.usage.quote}), so
 * that a limit counts what the ledger records. A reservation needs only an estimate: each model's
 * price of ten thousand input and of ten thousand output tokens (below any tier's start, so its
 * base prices) is asked once and kept for a minute. A
 * settlement asks the exact price of the tokens the call used (tiers, cache and reasoning prices
 * included); the settlements of {@value #BATCH_MS} ms go in one message, so that a busy gateway
 * sends the ledger a few messages a second rather than one per call. Used from one event loop.
 */
final class PriceQuotes {

  static final long KEEP_MS = 60_000;
  /** Enough for a precise per-token price, below where any provider's higher tiers begin. */
  private static final long QUOTED_TOKENS = 10_000;
  private static final long TIMEOUT_MS = 2_000;

  /** Nano-dollars per token of input and of output; {@code null} from {@link #rates} when no price is known. */
  record Rates(double inputNanoPerToken, double outputNanoPerToken) {

    long estimate(TokenEstimate tokens) {
      return (long) Math.ceil(tokens.input() * inputNanoPerToken + tokens.output() * outputNanoPerToken);
    }
  }

  private record Kept(Future<Rates> rates, long until) {}

  /** How long a settlement waits for others to share its message. */
  static final long BATCH_MS = 10;
  /** The most quotes in one message (the ledger takes up to a thousand). */
  static final int MAX_BATCH = 500;

  private record Pending(JsonObject ask, Promise<BigDecimal> cost) {}

  private List<Pending> pending = new ArrayList<>();
  private long flushTimer = -1;

  private final Vertx vertx;
  private final Map<String, Kept> kept = new HashMap<>();

  PriceQuotes(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The model's rates, or {@code null} when the ledger knows no price for it; fails when the ledger is unreachable. */
  Future<Rates> rates(String provider, String model) {
    String key = provider + ":" + model;
    long now = System.currentTimeMillis();
    Kept known = kept.get(key);
    if (known != null && known.until() > now && !known.rates().failed()) {
      return known.rates();
    }
    Future<Rates> rates = Future.all(
            cost(provider, model, new Usage(model, QUOTED_TOKENS, 0)),
            cost(provider, model, new Usage(model, 0, QUOTED_TOKENS)))
        .map(both -> {
          BigDecimal input = both.resultAt(0);
          BigDecimal output = both.resultAt(1);
          return input == null || output == null ? null
              : new Rates(LimitAmounts.nanoUsd(input) / (double) QUOTED_TOKENS,
                  LimitAmounts.nanoUsd(output) / (double) QUOTED_TOKENS);
        });
    if (kept.size() > 10_000) {
      kept.clear();
    }
    kept.put(key, new Kept(rates, now + KEEP_MS));
    return rates;
  }

  /** The exact price of what a call used, in dollars, or {@code null} when no price is known. */
  Future<BigDecimal> cost(String provider, String model, Usage usage) {
    JsonObject ask = ask(provider, model, usage);
    return vertx.eventBus().<JsonObject>request(Addresses.USAGE_QUOTE, ask, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(reply -> decimal(reply.body().getValue("costUsd")));
  }

  /** As {@link #cost}, sent with the other settlements of the next {@value #BATCH_MS} ms. */
  Future<BigDecimal> settlementCost(String provider, String model, Usage usage) {
    Promise<BigDecimal> cost = Promise.promise();
    pending.add(new Pending(ask(provider, model, usage), cost));
    if (pending.size() >= MAX_BATCH) {
      flush();
    } else if (flushTimer < 0) {
      flushTimer = vertx.setTimer(BATCH_MS, t -> {
        flushTimer = -1;
        flush();
      });
    }
    return cost.future();
  }

  private void flush() {
    if (flushTimer >= 0) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    List<Pending> batch = pending;
    pending = new ArrayList<>();
    JsonArray asks = new JsonArray(new ArrayList<>(batch.size()));
    for (Pending one : batch) {
      asks.add(one.ask());
    }
    vertx.eventBus().<JsonObject>request(Addresses.USAGE_QUOTE, new JsonObject().put("batch", asks),
        new DeliveryOptions().setSendTimeout(TIMEOUT_MS)).onComplete(reply -> {
          JsonArray costs = reply.succeeded() ? reply.result().body().getJsonArray("costs") : null;
          for (int i = 0; i < batch.size(); i++) {
            if (costs == null || i >= costs.size()) {
              batch.get(i).cost().fail(reply.failed() ? reply.cause() : new IllegalStateException("no quote"));
            } else {
              batch.get(i).cost().complete(decimal(costs.getValue(i)));
            }
          }
        });
  }

  private static JsonObject ask(String provider, String model, Usage usage) {
    return new JsonObject().put("provider", provider).put("model", model)
        .put("in", usage.inputTokens()).put("out", usage.outputTokens()).put("cached", usage.cachedInputTokens())
        .put("cacheWrite", usage.cacheWriteTokens()).put("reasoning", usage.reasoningTokens());
  }

  private static BigDecimal decimal(Object cost) {
    return cost == null ? null : new BigDecimal(cost.toString());
  }
}
