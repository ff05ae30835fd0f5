package dev.portcullis.common.price;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link ModelPrice} as it crosses the event bus, from the usage ledger's price book to a
 * gateway that prices its calls' spend itself: every amount as a decimal string, so that no price
 * passes through a {@code double} on the way (a clustered bus sends JSON text). Read only from
 * the ledger's answers; the admin API's strict reader is {@code ModelPriceJson}.
 */
public final class PriceSheets {

  private static final String[] PRICES = {"input", "output", "cachedInput", "cacheWrite", "reasoning"};

  private PriceSheets() {}

  public static JsonObject toJson(ModelPrice price) {
    TieredPrice[] tiered = {price.inputPerMillion(), price.outputPerMillion(), price.cachedInputPerMillion(),
        price.cacheWritePerMillion(), price.reasoningPerMillion()};
    JsonObject json = new JsonObject();
    for (int i = 0; i < PRICES.length; i++) {
      if (tiered[i] != null) {
        JsonArray tiers = new JsonArray();
        tiered[i].tiers().forEach(tier -> tiers.add(new JsonArray().add(tier.start()).add(tier.price().toPlainString())));
        json.put(PRICES[i], new JsonObject().put("base", tiered[i].base().toPlainString()).put("tiers", tiers));
      }
    }
    if (price.perThousandRequests() != null) {
      json.put("perThousandRequests", price.perThousandRequests().toPlainString());
    }
    return json;
  }

  /** @throws IllegalArgumentException when the sheet is not one {@link #toJson} wrote */
  public static ModelPrice fromJson(JsonObject json) {
    try {
      TieredPrice[] tiered = new TieredPrice[PRICES.length];
      for (int i = 0; i < PRICES.length; i++) {
        JsonObject one = json.getJsonObject(PRICES[i]);
        if (one != null) {
          List<TieredPrice.Tier> tiers = new ArrayList<>();
          for (Object tier : one.getJsonArray("tiers", new JsonArray())) {
            JsonArray pair = (JsonArray) tier;
            tiers.add(new TieredPrice.Tier(pair.getLong(0), new BigDecimal(pair.getString(1))));
          }
          tiered[i] = new TieredPrice(new BigDecimal(one.getString("base")), tiers);
        }
      }
      String perThousand = json.getString("perThousandRequests");
      return new ModelPrice(tiered[0], tiered[1], tiered[2], tiered[3], tiered[4],
          perThousand == null ? null : new BigDecimal(perThousand));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a price sheet: " + e.getMessage(), e);
    }
  }
}
