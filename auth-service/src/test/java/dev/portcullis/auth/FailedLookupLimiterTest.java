package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FailedLookupLimiterTest {

  @Test
  void blocksAnAddressAfterTenFailuresUntilTheyAgeOutOfTheWindow() {
    FailedLookupLimiter limiter = new FailedLookupLimiter(10, 60_000);
    for (int i = 0; i < 10; i++) {
      assertThat(limiter.blocked("10.0.0.1", 1_000 + i)).isFalse();
      limiter.recordFailure("10.0.0.1", 1_000 + i);
    }
    assertThat(limiter.blocked("10.0.0.1", 2_000)).isTrue();
    assertThat(limiter.blocked("10.0.0.2", 2_000)).isFalse();
    // The first failure leaves the window at 61 000 ms: one more attempt is allowed.
    assertThat(limiter.blocked("10.0.0.1", 61_000)).isFalse();
  }
}
