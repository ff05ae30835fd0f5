package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.TieredPrice;
import com.fasterxml.jackson.databind.JsonNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A {@link ModelPrice} as JSON, the same in admin bodies, admin answers and the overrides table:
 * {@code inputPerMillion} and {@code outputPerMillion} (required), {@code cachedInputPerMillion},
 * {@code cacheWritePerMillion}, {@code reasoningPerMillion} (absent or null: billed as input or
 * output) and {@code perThousandRequests}. Each token price is a number or
 * {@code {"base": n, "tiers": [{"start": tokens, "price": n}, ...]}}. Read strictly: an unknown
 * field, a string for a number, a negative, absurd or overprecise amount is refused, naming the
 * field.
 */
final class ModelPriceJson {

  static final String INPUT = "inputPerMillion";
  static final String OUTPUT = "outputPerMillion";
  static final String CACHED_INPUT = "cachedInputPerMillion";
  static final String CACHE_WRITE = "cacheWritePerMillion";
  static final String REASONING = "reasoningPerMillion";
  static final String PER_THOUSAND_REQUESTS = "perThousandRequests";

  private static final Set<String> FIELDS =
      Set.of(INPUT, OUTPUT, CACHED_INPUT, CACHE_WRITE, REASONING, PER_THOUSAND_REQUESTS);
  /** $1,000,000 per million tokens is a dollar a token: far above any price, and a typo's bound. */
  private static final BigDecimal MAX_AMOUNT = BigDecimal.valueOf(1_000_000);
  /** Digits after the point; more would be lost in the cost's 12 decimal places anyway. */
  private static final int MAX_DECIMALS = 12;
  private static final int MAX_TIERS = 16;
  private static final long MAX_TIER_START = 1_000_000_000_000L;
  static final int MAX_ECHOED_NAME = 64;

  private ModelPriceJson() {}

  static JsonObject toJson(ModelPrice price) {
    return new JsonObject()
        .put(INPUT, tiered(price.inputPerMillion()))
        .put(OUTPUT, tiered(price.outputPerMillion()))
        .put(CACHED_INPUT, tiered(price.cachedInputPerMillion()))
        .put(CACHE_WRITE, tiered(price.cacheWritePerMillion()))
        .put(REASONING, tiered(price.reasoningPerMillion()))
        .put(PER_THOUSAND_REQUESTS, plain(price.perThousandRequests()));
  }

  private static Object tiered(TieredPrice price) {
    if (price == null || !price.tiered()) {
      return price == null ? null : plain(price.base());
    }
    JsonArray tiers = new JsonArray();
    price.tiers().forEach(tier -> tiers.add(
        new JsonObject().put("start", tier.start()).put("price", plain(tier.price()))));
    return new JsonObject().put("base", plain(price.base())).put("tiers", tiers);
  }

  /** Without trailing zeros, and never in exponent form ({@code 100}, not {@code 1E+2}). */
  private static BigDecimal plain(BigDecimal amount) {
    if (amount == null) {
      return null;
    }
    BigDecimal stripped = amount.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  /** Reads a price object, refusing anything but the fields above with valid amounts. */
  static ModelPrice parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw PriceRequestException.badField(null, "The body must be a JSON object");
    }
    for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        // A name of any length may arrive: only a short one is named back.
        throw PriceRequestException.badField(name.length() <= MAX_ECHOED_NAME ? name : null,
            "Unknown field; the fields are " + String.join(", ",
                List.of(INPUT, OUTPUT, CACHED_INPUT, CACHE_WRITE, REASONING, PER_THOUSAND_REQUESTS)));
      }
    }
    TieredPrice input = tieredField(body, INPUT);
    TieredPrice output = tieredField(body, OUTPUT);
    if (input == null || output == null) {
      String missing = input == null ? INPUT : OUTPUT;
      throw PriceRequestException.badField(missing, missing + " is required");
    }
    JsonNode requests = body.get(PER_THOUSAND_REQUESTS);
    return new ModelPrice(input, output, tieredField(body, CACHED_INPUT), tieredField(body, CACHE_WRITE),
        tieredField(body, REASONING),
        requests == null || requests.isNull() ? null : amount(requests, PER_THOUSAND_REQUESTS));
  }

  private static TieredPrice tieredField(JsonNode body, String field) {
    JsonNode node = body.get(field);
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      return TieredPrice.flat(amount(node, field));
    }
    exactFields(node, field, Set.of("base", "tiers"));
    JsonNode tiers = node.get("tiers");
    if (tiers == null || !tiers.isArray() || tiers.isEmpty() || tiers.size() > MAX_TIERS) {
      throw PriceRequestException.badField(field, field + ".tiers must be a list of 1 to " + MAX_TIERS + " tiers");
    }
    List<TieredPrice.Tier> read = new ArrayList<>();
    long previous = 0;
    for (JsonNode tier : tiers) {
      if (!tier.isObject()) {
        throw PriceRequestException.badField(field,
            field + ".tiers must hold {\"start\": ..., \"price\": ...} objects");
      }
      exactFields(tier, field, Set.of("start", "price"));
      JsonNode start = tier.get("start");
      if (!start.isIntegralNumber() || !start.canConvertToLong() || start.asLong() <= previous
          || start.asLong() > MAX_TIER_START) {
        throw PriceRequestException.badField(field, field + ": each tier's start must be a whole number of input "
            + "tokens above the previous one (and above 0, at most " + MAX_TIER_START + ")");
      }
      previous = start.asLong();
      read.add(new TieredPrice.Tier(previous, amount(tier.get("price"), field)));
    }
    return new TieredPrice(amount(node.get("base"), field), read);
  }

  private static void exactFields(JsonNode node, String field, Set<String> names) {
    Set<String> present = new HashSet<>();
    node.fieldNames().forEachRemaining(present::add);
    if (!present.equals(names)) {
      throw PriceRequestException.badField(field, field + " must have exactly the fields " + String.join(" and ",
          names.stream().sorted().toList()));
    }
  }

  private static BigDecimal amount(JsonNode node, String field) {
    if (node == null || !node.isNumber()) {
      throw PriceRequestException.badField(field, field + " must be a number");
    }
    BigDecimal value = node.decimalValue();
    if (value.signum() < 0 || value.compareTo(MAX_AMOUNT) > 0) {
      throw PriceRequestException.badField(field, field + " must be between 0 and " + MAX_AMOUNT);
    }
    if (value.signum() != 0 && value.stripTrailingZeros().scale() > MAX_DECIMALS) {
      throw PriceRequestException.badField(field, field + " may have at most " + MAX_DECIMALS
          + " digits after the decimal point");
    }
    return value;
  }
}
