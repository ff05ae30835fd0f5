package dev.portcullis.usage.price;

import dev.portcullis.common.price.PriceCalculator;
import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.TieredPrice;
import dev.portcullis.common.price.TokenCounts;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PriceCalculatorTest {

  private static final ModelPrice FULL = new ModelPrice(TieredPrice.flat(new BigDecimal("3")),
      TieredPrice.flat(new BigDecimal("15")), TieredPrice.flat(new BigDecimal("0.3")),
      TieredPrice.flat(new BigDecimal("3.75")), null, null);
  private static final ModelPrice PLAIN = ModelPrice.of(new BigDecimal("3"), new BigDecimal("15"));

  private static TokenCounts counts(long input, long output, long cached, long cacheWrite, long reasoning) {
    return new TokenCounts(input, output, cached, cacheWrite, reasoning);
  }

  @Test
  void cachedAndCacheWriteTokensAreTakenOutOfTheInputAtTheirOwnPrices() {
    // 5000 * 3 + 2000 * 0.3 + 3000 * 3.75 + 1000 * 15 = 41850 per million.
    assertThat(PriceCalculator.cost(FULL, counts(10_000, 1000, 2000, 3000, 0))).isEqualByComparingTo("0.04185");
  }

  @Test
  void withoutACachePriceCachedTokensCostWhatInputCosts() {
    // 10000 * 3 + 1000 * 15 = 45000: the cache counts change nothing.
    assertThat(PriceCalculator.cost(PLAIN, counts(10_000, 1000, 2000, 3000, 0))).isEqualByComparingTo("0.045");
  }

  @Test
  void reasoningTokensAreOutputUnlessTheModelPricesThemApart() {
    assertThat(PriceCalculator.cost(PLAIN, counts(0, 1000, 0, 0, 600))).isEqualByComparingTo("0.015");
    ModelPrice reasoning = new ModelPrice(TieredPrice.flat(BigDecimal.ONE), TieredPrice.flat(new BigDecimal("8")),
        null, null, TieredPrice.flat(new BigDecimal("3")), null);
    // 400 * 8 + 600 * 3 = 5000.
    assertThat(PriceCalculator.cost(reasoning, counts(0, 1000, 0, 0, 600))).isEqualByComparingTo("0.005");
    // More reasoning than output reported: never more than the output is billed as reasoning.
    assertThat(PriceCalculator.cost(reasoning, counts(0, 1000, 0, 0, 5000))).isEqualByComparingTo("0.003");
  }

  @Test
  void aTierAppliesToEveryTokenOnceTheInputPassesItsStart() {
    TieredPrice input = new TieredPrice(BigDecimal.ONE, List.of(new TieredPrice.Tier(100, new BigDecimal("2")),
        new TieredPrice.Tier(1000, new BigDecimal("4"))));
    TieredPrice output = new TieredPrice(BigDecimal.TEN, List.of(new TieredPrice.Tier(100, new BigDecimal("20"))));
    ModelPrice price = new ModelPrice(input, output, null, null, null, null);
    assertThat(PriceCalculator.cost(price, counts(100, 10, -1, -1, -1))).isEqualByComparingTo("0.0002");
    assertThat(PriceCalculator.cost(price, counts(101, 10, -1, -1, -1))).isEqualByComparingTo("0.000402");
    assertThat(PriceCalculator.cost(price, counts(1001, 10, -1, -1, -1))).isEqualByComparingTo("0.004204");
  }

  @Test
  void unknownCountsCostNothingAndBothUnknownIsNoCost() {
    assertThat(PriceCalculator.cost(PLAIN, counts(-1, -1, -1, -1, -1))).isNull();
    assertThat(PriceCalculator.cost(PLAIN, counts(-1, 1000, -1, -1, -1))).isEqualByComparingTo("0.015");
    assertThat(PriceCalculator.cost(PLAIN, counts(1000, -1, -1, -1, -1))).isEqualByComparingTo("0.003");
    assertThat(PriceCalculator.cost(null, counts(1000, 1000, -1, -1, -1))).isNull();
    assertThat(PriceCalculator.cost(PLAIN, counts(0, 0, 0, 0, 0))).isEqualByComparingTo("0");
  }

  @Test
  void contradictoryCountsBillWhatWasReportedAndNoMore() {
    // 500 cached out of 100 input: the cached tokens are billed, the uncached rest is not negative.
    assertThat(PriceCalculator.cost(FULL, counts(100, 0, 500, 0, 0))).isEqualByComparingTo("0.00015");
  }

  @Test
  void aFeePerRequestIsAddedOnce() {
    ModelPrice sonar = new ModelPrice(TieredPrice.flat(BigDecimal.ONE), TieredPrice.flat(BigDecimal.ONE), null, null,
        null, new BigDecimal("12"));
    assertThat(PriceCalculator.cost(sonar, counts(1000, 1000, -1, -1, -1))).isEqualByComparingTo("0.014");
  }

  @Test
  void costsKeepTwelveDecimalsExactly() {
    ModelPrice tiny = ModelPrice.of(new BigDecimal("0.00875"), BigDecimal.ZERO);
    BigDecimal cost = PriceCalculator.cost(tiny, counts(1, 0, -1, -1, -1));
    assertThat(cost.scale()).isEqualTo(PriceCalculator.COST_SCALE);
    assertThat(cost).isEqualByComparingTo("0.00000000875");
    assertThat(PriceCalculator.cost(PLAIN, counts(Long.MAX_VALUE / 2, 0, -1, -1, -1))).isPositive();
  }
}
