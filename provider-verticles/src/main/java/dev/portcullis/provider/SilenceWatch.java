package dev.portcullis.provider;

import io.vertx.core.Vertx;

/**
 * Watches an upstream answer's body for silence: when no chunk has come for the limit, it calls
 * {@code onSilence} once. Vert.x's own request timeout ends when the response's headers arrive, so
 * the body (a stream's first token, the gap between two chunks, a whole answer's rest) is watched
 * here.
 *
 * <p>One timer at a time, re-armed for what is left of the limit when it fires after a chunk came,
 * so a chunk costs a clock read and no timer. While the body is paused for a slow client the
 * silence is ours, not the upstream's: it does not count. Lives on the call's event loop; stopped
 * when the answer ends or fails, so no timer outlives its call.
 */
final class SilenceWatch {

  private final Vertx vertx;
  private final Runnable onSilence;
  private long limitMs;
  private long lastDataAt;
  private long timerId = -1;
  private boolean paused;
  private boolean stopped;

  private SilenceWatch(Vertx vertx, long limitMs, Runnable onSilence) {
    this.vertx = vertx;
    this.limitMs = limitMs;
    this.onSilence = onSilence;
    this.lastDataAt = System.nanoTime();
    this.timerId = vertx.setTimer(limitMs, this::check);
  }

  /** Starts watching now, for {@code limitMs} of silence. */
  static SilenceWatch start(Vertx vertx, long limitMs, Runnable onSilence) {
    return new SilenceWatch(vertx, Math.max(1, limitMs), onSilence);
  }

  /** A chunk came: the silence starts over, from now on limited to {@code nextLimitMs}. */
  void data(long nextLimitMs) {
    lastDataAt = System.nanoTime();
    limitMs = Math.max(1, nextLimitMs);
  }

  /** Whether the body is held back for a slow client (its silence then does not count). */
  void paused(boolean paused) {
    this.paused = paused;
    lastDataAt = System.nanoTime();
  }

  void stop() {
    stopped = true;
    if (timerId != -1) {
      vertx.cancelTimer(timerId);
      timerId = -1;
    }
  }

  private void check(long firedTimer) {
    timerId = -1;
    if (stopped) {
      return;
    }
    long now = System.nanoTime();
    if (paused) {
      lastDataAt = now;
    }
    long silentMs = (now - lastDataAt) / 1_000_000;
    if (silentMs >= limitMs) {
      stopped = true;
      onSilence.run();
    } else {
      timerId = vertx.setTimer(limitMs - silentMs, this::check);
    }
  }
}
