package dev.portcullis.gateway.limit;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.limit.LimitAmounts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Prices for spend limits, from the usage ledger's price book ({@code portcullis.usage.quote}), so
 * that a limit counts what the ledger records. A reservation needs only an estimate: each model's
 * price of ten thousand input and of ten thousand output tokens (below any tier's start, so its
 * base prices) is asked once and kept for a minute. A
 * settlement asks the exact price of the tokens the call used (tiers, cache and reasoning prices
 * included). Used from one event loop.
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
    JsonObject ask = new JsonObject().put("provider", provider).put("model", model)
        .put("in", usage.inputTokens()).put("out", usage.outputTokens()).put("cached", usage.cachedInputTokens())
        .put("cacheWrite", usage.cacheWriteTokens()).put("reasoning", usage.reasoningTokens());
    return vertx.eventBus().<JsonObject>request(Addresses.USAGE_QUOTE, ask, new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(reply -> {
          Object cost = reply.body().getValue("costUsd");
          return cost == null ? null : new BigDecimal(cost.toString());
        });
  }
}
