package dev.portcullis.gateway.limit;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.PriceCalculator;
import dev.portcullis.common.price.PriceSheets;
import dev.portcullis.common.price.TokenCounts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

/**
 * Prices for spend limits, from the usage ledger's price book ({@code portcullis.usage.quote}), so
 * that a limit counts what the ledger records. The ledger sends a model's whole price (its sheet:
 * tiers, cache and reasoning prices, a per-request fee) once; it is kept for a minute, and the
 * gateway prices its calls with it as the ledger does ({@link PriceCalculator}), with no message
 * per call. A price an administrator sets or removes reaches every gateway at once: each drops what
 * it keeps when it hears {@link Addresses#PRICES_CHANGED}, and once more a second later, after every
 * ledger has re-read its prices. A scheduled change in the catalog's prices counts within the
 * minute. Used from one event loop.
 */
final class PriceQuotes {

  static final long KEEP_MS = 60_000;
  /** After a price change, when the sheets are dropped again: every ledger has re-read by then. */
  static final long SETTLED_MS = 1_000;
  /** Enough for a precise per-token price, below where any provider's higher tiers begin. */
  private static final long QUOTED_TOKENS = 10_000;
  private static final long TIMEOUT_MS = 2_000;
  private static final int MAX_KEPT = 10_000;

  /** Nano-dollars per token of input and of output; {@code null} from {@link #rates} when no price is known. */
  record Rates(double inputNanoPerToken, double outputNanoPerToken) {

    long estimate(TokenEstimate tokens) {
      return (long) Math.ceil(tokens.input() * inputNanoPerToken + tokens.output() * outputNanoPerToken);
    }

    /** The base prices of a sheet, what a reservation estimates with (null: no price). */
    static Rates of(ModelPrice price) {
      if (price == null) {
        return null;
      }
      BigDecimal input = PriceCalculator.cost(price, new TokenCounts(QUOTED_TOKENS, 0, -1, -1, -1));
      BigDecimal output = PriceCalculator.cost(price, new TokenCounts(0, QUOTED_TOKENS, -1, -1, -1));
      return new Rates(LimitAmounts.nanoUsd(input) / (double) QUOTED_TOKENS,
          LimitAmounts.nanoUsd(output) / (double) QUOTED_TOKENS);
    }
  }

  /** A model's sheet ({@code null} inside: no price) and the rates read from it. */
  private record Kept(Future<ModelPrice> sheet, Future<Rates> rates, long until) {}

  private final Vertx vertx;
  private final Map<String, Kept> kept = new HashMap<>();

  PriceQuotes(Vertx vertx) {
    this.vertx = vertx;
    vertx.eventBus().consumer(Addresses.PRICES_CHANGED, changed -> {
      kept.clear();
      vertx.setTimer(SETTLED_MS, t -> kept.clear());
    });
  }

  /** The model's rates, or {@code null} when the ledger knows no price for it; fails when the ledger is unreachable. */
  Future<Rates> rates(String provider, String model) {
    return kept(provider, model).rates();
  }

  /**
   * The exact price of what a call used, in dollars, as the ledger will record it, or {@code null}
   * when no price is known; fails when the ledger is unreachable.
   */
  Future<BigDecimal> settlementCost(String provider, String model, Usage usage) {
    Future<ModelPrice> sheet = kept(provider, model).sheet();
    TokenCounts counts = TokenCounts.of(usage);
    if (sheet.succeeded()) {
      return Future.succeededFuture(PriceCalculator.cost(sheet.result(), counts));
    }
    return sheet.map(price -> PriceCalculator.cost(price, counts));
  }

  private Kept kept(String provider, String model) {
    String key = provider + ":" + model;
    long now = System.currentTimeMillis();
    Kept known = kept.get(key);
    if (known != null && known.until() > now && !known.sheet().failed()) {
      return known;
    }
    Future<ModelPrice> sheet = vertx.eventBus().<JsonObject>request(Addresses.USAGE_QUOTE,
            new JsonObject().put("provider", provider).put("model", model).put("sheet", true),
            new DeliveryOptions().setSendTimeout(TIMEOUT_MS))
        .map(reply -> {
          JsonObject price = reply.body().getJsonObject("price");
          return price == null ? null : PriceSheets.fromJson(price);
        });
    Kept fresh = new Kept(sheet, sheet.map(Rates::of), now + KEEP_MS);
    if (kept.size() >= MAX_KEPT) {
      // Made-up model names cost a question each, never memory.
      kept.clear();
    }
    kept.put(key, fresh);
    return fresh;
  }
}
