package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The shared limiter's counting, on one Vert.x's shared data (clustered, the same map spans every
 * node: see the app module's SharedLookupLimiterClusterTest). Two limiters stand for two
 * auth-service instances.
 */
class SharedLookupLimiterTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static void recordAndWait(SharedLookupLimiter limiter, String address, long now) throws InterruptedException {
    limiter.recordFailure(address, now);
    Thread.sleep(5); // the count is written asynchronously
  }

  @Test
  void failuresCountedByEitherInstanceBlockTheAddressOnBoth() throws Exception {
    SharedLookupLimiter first = new SharedLookupLimiter(vertx, 4, 60_000);
    SharedLookupLimiter second = new SharedLookupLimiter(vertx, 4, 60_000);
    long now = 120_000;
    recordAndWait(first, "10.0.0.1", now);
    recordAndWait(second, "10.0.0.1", now + 1);
    recordAndWait(first, "10.0.0.1", now + 2);
    assertThat(second.blocked("10.0.0.1", now + 3).await()).isFalse();
    recordAndWait(second, "10.0.0.1", now + 3);
    assertThat(first.blocked("10.0.0.1", now + 4).await()).isTrue();
    assertThat(second.blocked("10.0.0.1", now + 4).await()).isTrue();
    assertThat(first.blocked("10.0.0.2", now + 4).await()).isFalse();
  }

  @Test
  void oldFailuresAgeOutAcrossTheWindow() throws Exception {
    SharedLookupLimiter limiter = new SharedLookupLimiter(vertx, 4, 60_000);
    for (int i = 0; i < 5; i++) {
      recordAndWait(limiter, "10.0.0.3", 60_000 + i);
    }
    assertThat(limiter.blocked("10.0.0.3", 61_000).await()).isTrue();
    // Early in the next window the previous one still weighs almost fully (5 x 0.98)...
    assertThat(limiter.blocked("10.0.0.3", 121_000).await()).isTrue();
    // ...half way through it weighs half (2.5 < 4)...
    assertThat(limiter.blocked("10.0.0.3", 150_000).await()).isFalse();
    // ...and two windows later nothing is left.
    assertThat(limiter.blocked("10.0.0.3", 181_000).await()).isFalse();
  }

  @Test
  void concurrentFailuresAreAllCounted() throws Exception {
    SharedLookupLimiter first = new SharedLookupLimiter(vertx, 100, 60_000);
    SharedLookupLimiter second = new SharedLookupLimiter(vertx, 100, 60_000);
    for (int i = 0; i < 50; i++) {
      first.recordFailure("10.0.0.4", 60_000);
      second.recordFailure("10.0.0.4", 60_000);
    }
    Thread.sleep(300);
    Integer count = vertx.sharedData().<String, Integer>getAsyncMap(SharedLookupLimiter.MAP).await().get("10.0.0.4@1").await();
    assertThat(count).isEqualTo(100);
  }
}
