package dev.portcullis.usage.audit;

import dev.portcullis.common.settings.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How long the audit log keeps its rows: {@code PORTCULLIS_AUDIT_RETENTION_DAYS} (default 90,
 * 0 keeps them forever). {@link #start} runs {@link #runOnce} a minute after the start and then
 * every hour on a Vert.x timer (one run at a time); {@link #stop} cancels it.
 *
 * <p>A run is {@link AuditStore#purgeOlderThan}: it removes the rows older than the retention
 * and moves each writer's anchor, so the chain that remains still verifies; it verifies what it
 * removes first, and keeps a writer's rows from the first that do not verify on (an ERROR names
 * the break): retention never deletes the evidence of tampering, nor moves an anchor past it.
 */
public final class AuditRetention {

  public static final String RETENTION_DAYS_SETTING = "PORTCULLIS_AUDIT_RETENTION_DAYS";
  public static final long DEFAULT_RETENTION_DAYS = 90;
  static final Duration FIRST_RUN = Duration.ofMinutes(1);
  static final Duration PERIOD = Duration.ofHours(1);

  private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);

  private final AuditStore store;
  private final long retentionDays;
  private final Clock clock;
  private final AtomicBoolean running = new AtomicBoolean();
  private Vertx vertx;
  private long timer = -1;

  public AuditRetention(AuditStore store, long retentionDays, Clock clock) {
    if (retentionDays < 0) {
      throw new IllegalArgumentException("retention days must be 0 (forever) or more");
    }
    this.store = store;
    this.retentionDays = retentionDays;
    this.clock = clock;
  }

  /** The retention from the settings: {@value #RETENTION_DAYS_SETTING}, 0 to 36500 days. */
  public static long retentionDays(Settings settings) {
    return settings.longValue(RETENTION_DAYS_SETTING, DEFAULT_RETENTION_DAYS, 0, 36_500);
  }

  /** Schedules the runs (none when the retention is 0: the rows are kept forever). */
  public synchronized void start(Vertx vertx) {
    if (retentionDays == 0 || timer >= 0) {
      return;
    }
    this.vertx = vertx;
    timer = vertx.setPeriodic(FIRST_RUN.toMillis(), PERIOD.toMillis(), id -> runOnce());
  }

  public synchronized void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  /**
   * Removes what the retention no longer keeps; answers how many rows were removed (0 when the
   * retention is 0 or a run is already going on).
   */
  public Future<Long> runOnce() {
    if (retentionDays == 0 || !running.compareAndSet(false, true)) {
      return Future.succeededFuture(0L);
    }
    long cutoff = clock.millis() - Duration.ofDays(retentionDays).toMillis();
    return store.purgeOlderThan(cutoff)
        .onSuccess(removed -> {
          if (removed > 0) {
            LOG.info("Audit log retention removed {} rows older than {} days", removed, retentionDays);
          }
        })
        .onFailure(failure -> LOG.warn("Audit log retention failed; it runs again in {}", PERIOD, failure))
        .onComplete(done -> running.set(false));
  }
}
