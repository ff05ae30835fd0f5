package dev.portcullis.common.price;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A price in USD per million tokens, flat or in tiers. As genai-prices prices them, a tier is
 * chosen by the call's total input tokens (whatever kind of token is being priced, output too) and
 * applies to every token of the call, not only to those above its threshold: a call with more
 * input tokens than a tier's {@code start} pays that tier's price.
 *
 * @param base  the price up to the first tier's start
 * @param tiers ascending, strictly increasing starts; empty for a flat price
 */
public record TieredPrice(BigDecimal base, List<Tier> tiers) {

  public static final TieredPrice ZERO = flat(BigDecimal.ZERO);

  /** From {@code start} input tokens (exclusive) on, every token costs {@code price} per million. */
  public record Tier(long start, BigDecimal price) {

    public Tier {
      Objects.requireNonNull(price, "price");
      if (start < 0 || price.signum() < 0) {
        throw new IllegalArgumentException("a tier needs a non-negative start and price");
      }
    }
  }

  public TieredPrice {
    Objects.requireNonNull(base, "base");
    tiers = List.copyOf(tiers);
    if (base.signum() < 0) {
      throw new IllegalArgumentException("a price cannot be negative");
    }
    for (int i = 1; i < tiers.size(); i++) {
      if (tiers.get(i).start() <= tiers.get(i - 1).start()) {
        throw new IllegalArgumentException("tier starts must increase");
      }
    }
  }

  public static TieredPrice flat(BigDecimal perMillion) {
    return new TieredPrice(perMillion, List.of());
  }

  public boolean tiered() {
    return !tiers.isEmpty();
  }

  /** The price per million tokens for a call with this many input tokens in all. */
  public BigDecimal at(long totalInputTokens) {
    BigDecimal price = base;
    for (Tier tier : tiers) {
      if (totalInputTokens > tier.start()) {
        price = tier.price();
      }
    }
    return price;
  }
}
