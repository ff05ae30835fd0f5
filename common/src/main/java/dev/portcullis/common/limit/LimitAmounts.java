package dev.portcullis.common.limit;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Spend in billionths of a US dollar: exact for every price in the catalog, and a long holds $9 billion. */
public final class LimitAmounts {

  private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

  private LimitAmounts() {}

  /** Dollars to nano-dollars, rounded up: a fraction of a nano-dollar still counts. */
  public static long nanoUsd(BigDecimal usd) {
    return usd.multiply(NANOS).setScale(0, RoundingMode.CEILING).longValueExact();
  }

  public static long nanoUsd(double usd) {
    return nanoUsd(BigDecimal.valueOf(usd));
  }

  public static BigDecimal usd(long nanoUsd) {
    return BigDecimal.valueOf(nanoUsd).divide(NANOS).stripTrailingZeros();
  }
}
