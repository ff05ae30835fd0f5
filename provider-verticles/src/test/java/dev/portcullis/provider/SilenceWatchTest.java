package dev.portcullis.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SilenceWatchTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void silenceOverTheLimitIsReportedOnceAndChunksStartItOver() throws Exception {
    AtomicInteger reported = new AtomicInteger();
    CountDownLatch silent = new CountDownLatch(1);
    long[] watchedFor = new long[1];
    vertx.runOnContext(v -> {
      long started = System.nanoTime();
      SilenceWatch watch = SilenceWatch.start(vertx, 150, () -> {
        watchedFor[0] = (System.nanoTime() - started) / 1_000_000;
        reported.incrementAndGet();
        silent.countDown();
      });
      // A chunk every 50 ms for 400 ms keeps the watch quiet; then nothing comes.
      long periodic = vertx.setPeriodic(50, id -> watch.data(150));
      vertx.setTimer(400, id -> vertx.cancelTimer(periodic));
    });
    assertThat(silent.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(watchedFor[0]).isGreaterThanOrEqualTo(400 + 100);
    Thread.sleep(400);
    assertThat(reported).hasValue(1);
  }

  @Test
  void aPausedBodyAndAStoppedWatchReportNothing() throws Exception {
    AtomicInteger reported = new AtomicInteger();
    vertx.runOnContext(v -> {
      SilenceWatch paused = SilenceWatch.start(vertx, 100, reported::incrementAndGet);
      paused.paused(true);
      vertx.setTimer(500, id -> paused.stop());
      SilenceWatch stopped = SilenceWatch.start(vertx, 100, reported::incrementAndGet);
      stopped.stop();
    });
    Thread.sleep(700);
    assertThat(reported).hasValue(0);
  }
}
