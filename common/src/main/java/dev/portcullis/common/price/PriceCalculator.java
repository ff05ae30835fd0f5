package dev.portcullis.common.price;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * The cost of one call from its token counts and its model's price, computed as genai-prices
 * computes it: every token is billed once, at the most specific price the model has. Cached
 * tokens are taken out of the input count only when the model has a cached-input price (else
 * they stay input tokens), likewise cache-write tokens; reasoning tokens are taken out of the
 * output count only when the model has a reasoning price. Every tier is chosen by the call's
 * total input tokens.
 */
public final class PriceCalculator {

  /** The scale of a stored cost ({@code usage_records.cost_usd} is DECIMAL(24, 12)). */
  public static final int COST_SCALE = 12;

  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1_000);

  private PriceCalculator() {}

  /**
   * The cost in USD, or null when there is no price or neither input nor output was reported. A
   * count that was not reported (-1) costs nothing: the cost is then what the reported counts cost.
   * Counts that contradict each other (more cached tokens than input tokens) are not corrected
   * into a guess: each reported part is billed, the uncached remainder as zero.
   */
  public static BigDecimal cost(ModelPrice price, TokenCounts counts) {
    if (price == null || counts == null || !counts.known()) {
      return null;
    }
    long input = reported(counts.input());
    long output = reported(counts.output());
    BigDecimal perMillion = BigDecimal.ZERO;

    long uncachedInput = input;
    if (price.cachedInputPerMillion() != null) {
      long cached = reported(counts.cachedInput());
      perMillion = perMillion.add(times(cached, price.cachedInputPerMillion().at(input)));
      uncachedInput -= cached;
    }
    if (price.cacheWritePerMillion() != null) {
      long written = reported(counts.cacheWrite());
      perMillion = perMillion.add(times(written, price.cacheWritePerMillion().at(input)));
      uncachedInput -= written;
    }
    perMillion = perMillion.add(times(Math.max(0, uncachedInput), price.inputPerMillion().at(input)));

    long plainOutput = output;
    if (price.reasoningPerMillion() != null) {
      long reasoning = Math.min(reported(counts.reasoning()), output);
      perMillion = perMillion.add(times(reasoning, price.reasoningPerMillion().at(input)));
      plainOutput -= reasoning;
    }
    perMillion = perMillion.add(times(plainOutput, price.outputPerMillion().at(input)));

    BigDecimal cost = perMillion.movePointLeft(6);
    if (price.perThousandRequests() != null) {
      cost = cost.add(price.perThousandRequests().divide(THOUSAND));
    }
    return cost.setScale(COST_SCALE, RoundingMode.HALF_EVEN);
  }

  private static long reported(long count) {
    return Math.max(0, count);
  }

  private static BigDecimal times(long tokens, BigDecimal perMillion) {
    return tokens == 0 ? BigDecimal.ZERO : perMillion.multiply(BigDecimal.valueOf(tokens));
  }
}
