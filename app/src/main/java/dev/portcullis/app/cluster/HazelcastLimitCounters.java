package dev.portcullis.app.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.ReadOnly;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import dev.portcullis.common.limit.LimitCounter;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.limit.LimitWindow;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limit counters of a cluster, in Hazelcast maps: each operation is an entry processor that the
 * key's partition owner runs on its partition thread, one at a time per key, so reservations from
 * every gateway are exact (no read-modify-write race, no lock). The owner's clock decides the
 * bucket; the backup replays the processor with that same instant, so both copies stay equal.
 *
 * <p>Held counts (streams) are in a map of their own and held per member (its Hazelcast UUID):
 * when a member leaves the cluster, killed or not, every member that sees it go forgets what it held.
 *
 * <p>Nothing blocks the caller: a future completes on the caller's context, and fails when the
 * owner has not answered within the timeout (the caller's fail mode decides). A reservation that
 * the owner makes after its caller gave up on it is given back.
 */
public final class HazelcastLimitCounters implements LimitCounters {

  /** Counters with a window: requests, tokens, spend. */
  public static final String COUNTERS_MAP = "portcullis.limits.counters";
  /** Held counts (concurrent streams), per member; the only map scanned when a member leaves. */
  public static final String HELD_MAP = "portcullis.limits.held";

  private static final Logger LOG = LoggerFactory.getLogger(HazelcastLimitCounters.class);
  private static final long UNSET = Long.MIN_VALUE;

  private final VertxInternal vertx;
  private final HazelcastInstance hazelcast;
  private final IMap<String, LimitCounter> counters;
  private final IMap<String, LimitCounter> held;
  private final long timeoutMillis;
  private final UUID membershipListener;

  /**
   * @param vertx         a clustered Vert.x whose cluster manager is Hazelcast's
   * @param timeoutMillis how long an operation may take before its future fails
   * @throws IllegalArgumentException when {@code vertx} is not clustered with Hazelcast
   */
  public HazelcastLimitCounters(Vertx vertx, long timeoutMillis) {
    if (!(vertx instanceof VertxInternal internal)
        || !(internal.clusterManager() instanceof HazelcastClusterManager manager)) {
      throw new IllegalArgumentException("Vert.x is not clustered with Hazelcast");
    }
    if (timeoutMillis <= 0) {
      throw new IllegalArgumentException("timeoutMillis must be positive");
    }
    this.vertx = internal;
    this.hazelcast = manager.getHazelcastInstance();
    this.counters = hazelcast.getMap(COUNTERS_MAP);
    this.held = hazelcast.getMap(HELD_MAP);
    this.timeoutMillis = timeoutMillis;
    this.membershipListener = hazelcast.getCluster().addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {}

      @Override
      public void memberRemoved(MembershipEvent event) {
        forget(event.getMember().getUuid().toString());
      }
    });
  }

  @Override
  public Future<LimitCounter.Outcome> reserve(String key, LimitWindow window, long amount, long limit, boolean hard,
      boolean requireSeed) {
    return guarded(() -> {
      String holder = holder();
      Reserve reserve = new Reserve(window, amount, limit, hard, requireSeed, holder);
      return submit(mapOf(window), key, reserve, late -> {
        // The caller gave up and went on as its fail mode says: what the owner counted after that
        // is given back, so that a slow answer does not count a call twice or hold a stream for ever.
        LimitCounter.Outcome outcome = decode(late);
        if (outcome.admitted() && amount != 0) {
          giveBack(mapOf(window), key, new Adjust(window, outcome.bucket(), -amount, holder));
        }
      }).map(HazelcastLimitCounters::decode);
    });
  }

  @Override
  public Future<Void> adjust(String key, LimitWindow window, long bucket, long delta) {
    return guarded(() -> submit(mapOf(window), key, new Adjust(window, bucket, delta, holder()), null).mapEmpty());
  }

  @Override
  public Future<Boolean> seed(String key, LimitWindow window, Map<Long, Long> amounts) {
    return guarded(() -> submit(mapOf(window), key, new Seed(window, new HashMap<>(amounts)), null));
  }

  @Override
  public Future<Long> used(String key, LimitWindow window) {
    return guarded(() -> submit(mapOf(window), key, new Used(window), null));
  }

  /** Stops forgetting what leaving members held (the Hazelcast instance goes with Vert.x anyway). */
  public void close() {
    try {
      hazelcast.getCluster().removeMembershipListener(membershipListener);
    } catch (RuntimeException e) {
      // The instance is gone already: so is the listener.
    }
  }

  /** Runs {@code processor} on {@code key}'s owner; for tests, any processor. */
  <R> Future<R> submit(IMap<String, LimitCounter> map, String key, EntryProcessor<String, LimitCounter, R> processor,
      Consumer<R> afterTimeout) {
    Promise<R> promise = vertx.getOrCreateContext().promise();
    CompletionStage<R> stage = map.submitToKey(key, processor);
    long timer = vertx.setTimer(timeoutMillis, id -> promise.tryFail(new TimeoutException(
        "the limit counter '" + key + "' did not answer within " + timeoutMillis + " ms")));
    stage.whenComplete((result, error) -> {
      vertx.cancelTimer(timer);
      boolean answered = error != null ? promise.tryFail(error) : promise.tryComplete(result);
      if (!answered && error == null && afterTimeout != null) {
        afterTimeout.accept(result);
      }
    });
    return promise.future();
  }

  /**
   * An operation that throws (HazelcastInstanceNotActiveException when this member has left, and the
   * like) could not reach the shared state: its future fails, as when the owner does not answer.
   */
  private <R> Future<R> guarded(Supplier<Future<R>> operation) {
    try {
      return operation.get();
    } catch (RuntimeException e) {
      return vertx.getOrCreateContext().failedFuture(e);
    }
  }

  IMap<String, LimitCounter> countersMap() {
    return counters;
  }

  IMap<String, LimitCounter> heldMap() {
    return held;
  }

  private IMap<String, LimitCounter> mapOf(LimitWindow window) {
    return window instanceof LimitWindow.Held ? held : counters;
  }

  private static <R> void giveBack(IMap<String, LimitCounter> map, String key,
      EntryProcessor<String, LimitCounter, R> processor) {
    try {
      map.submitToKey(key, processor).exceptionally(e -> {
        LOG.warn("Could not give back a reservation on limit counter '{}' that came after its timeout: {}", key,
            e.toString());
        return null;
      });
    } catch (RuntimeException e) {
      LOG.warn("Could not give back a reservation on limit counter '{}' that came after its timeout: {}", key,
          e.toString());
    }
  }

  /** Who holds held counts taken here: this member (its UUID changes if it ever rejoins). */
  private String holder() {
    return hazelcast.getCluster().getLocalMember().getUuid().toString();
  }

  /** Forgets, on every held counter, what a member that left held (every member that sees it go does so). */
  private void forget(String member) {
    Future<Integer> forgotten;
    try {
      forgotten = vertx.executeBlocking(() -> held.executeOnEntries(new Forget(member)).size(), false);
    } catch (RuntimeException e) {
      forgotten = Future.failedFuture(e);
    }
    forgotten.onComplete(done -> {
      if (done.succeeded()) {
        LOG.info("Cluster member {} left: released what it held on {} concurrent-stream counters", member,
            done.result());
      } else {
        LOG.warn("Cluster member {} left, and what it held on concurrent-stream counters could not be released: {}",
            member, done.cause().toString());
      }
    });
  }

  // An Outcome crosses the network as six longs: the record is not Serializable, and NEEDS_SEED
  // stays the one constant callers may compare with.
  private static long[] encode(LimitCounter.Outcome o) {
    return new long[] {o.admitted() ? 1 : 0, o.needsSeed() ? 1 : 0, o.used(), o.bucket(), o.retryAt(), o.resetAt()};
  }

  private static LimitCounter.Outcome decode(long[] o) {
    if (o[1] == 1) {
      return LimitCounter.Outcome.NEEDS_SEED;
    }
    return new LimitCounter.Outcome(o[0] == 1, false, o[2], o[3], o[4], o[5]);
  }

  /**
   * A processor that changes its counter: the owner runs it with its clock and remembers the instant
   * and whether anything changed; only then is it sent to the backup, which replays it with that
   * instant on the same state and so gets the same result.
   */
  private abstract static class Mutation<R> implements EntryProcessor<String, LimitCounter, R> {

    private static final long serialVersionUID = 1L;

    final LimitWindow window;
    private long now = UNSET;
    private transient boolean changed;

    Mutation(LimitWindow window) {
      this.window = window;
    }

    @Override
    public final R process(Map.Entry<String, LimitCounter> entry) {
      if (now == UNSET) {
        now = System.currentTimeMillis();
      }
      changed = false;
      return apply(entry, now);
    }

    abstract R apply(Map.Entry<String, LimitCounter> entry, long now);

    /** Writes the counter back, or removes it when it holds nothing any more. */
    final void write(Map.Entry<String, LimitCounter> entry, LimitCounter counter, long now) {
      entry.setValue(counter.idle(window, now) ? null : counter);
      changed = true;
    }

    @Override
    public final EntryProcessor<String, LimitCounter, R> getBackupProcessor() {
      return changed ? this : null;
    }
  }

  static final class Reserve extends Mutation<long[]> {

    private static final long serialVersionUID = 1L;

    private final long amount;
    private final long limit;
    private final boolean hard;
    private final boolean requireSeed;
    private final String holder;

    Reserve(LimitWindow window, long amount, long limit, boolean hard, boolean requireSeed, String holder) {
      super(window);
      this.amount = amount;
      this.limit = limit;
      this.hard = hard;
      this.requireSeed = requireSeed;
      this.holder = holder;
    }

    @Override
    long[] apply(Map.Entry<String, LimitCounter> entry, long now) {
      LimitCounter counter = entry.getValue() != null ? entry.getValue() : new LimitCounter(window);
      LimitCounter.Outcome outcome = counter.reserve(window, now, amount, limit, hard, requireSeed, holder);
      if (outcome.admitted() && amount != 0) {
        write(entry, counter, now);
      }
      return encode(outcome);
    }
  }

  static final class Adjust extends Mutation<Void> {

    private static final long serialVersionUID = 1L;

    private final long bucket;
    private final long delta;
    private final String holder;

    Adjust(LimitWindow window, long bucket, long delta, String holder) {
      super(window);
      this.bucket = bucket;
      this.delta = delta;
      this.holder = holder;
    }

    @Override
    Void apply(Map.Entry<String, LimitCounter> entry, long now) {
      LimitCounter counter = entry.getValue();
      if (counter == null || delta == 0) {
        return null;
      }
      // adjust changes one bucket (or one holder's count) that is counted now, so it changed the
      // counter exactly when it changed what the counter counts.
      long before = counter.used(window, now);
      counter.adjust(window, now, bucket, delta, holder);
      if (counter.used(window, now) != before || counter.idle(window, now)) {
        write(entry, counter, now);
      }
      return null;
    }
  }

  static final class Seed extends Mutation<Boolean> {

    private static final long serialVersionUID = 1L;

    private final HashMap<Long, Long> amounts;

    Seed(LimitWindow window, HashMap<Long, Long> amounts) {
      super(window);
      this.amounts = amounts;
    }

    @Override
    Boolean apply(Map.Entry<String, LimitCounter> entry, long now) {
      LimitCounter counter = entry.getValue() != null ? entry.getValue() : new LimitCounter(window);
      boolean seeded = counter.seed(window, now, amounts);
      if (seeded) {
        write(entry, counter, now);
      }
      return seeded;
    }
  }

  /** Reads; never writes, never goes to a backup. */
  static final class Used implements EntryProcessor<String, LimitCounter, Long>, ReadOnly {

    private static final long serialVersionUID = 1L;

    private final LimitWindow window;

    Used(LimitWindow window) {
      this.window = window;
    }

    @Override
    public Long process(Map.Entry<String, LimitCounter> entry) {
      LimitCounter counter = entry.getValue();
      return counter == null ? 0L : counter.used(window, System.currentTimeMillis());
    }

    @Override
    public EntryProcessor<String, LimitCounter, Long> getBackupProcessor() {
      return null;
    }
  }

  /**
   * Forgets a member's held counts on every held counter (partition by partition; the backups
   * replay it). Held counts do not depend on the clock, so no instant is carried.
   */
  static final class Forget implements EntryProcessor<String, LimitCounter, Boolean> {

    private static final long serialVersionUID = 1L;

    private final String holder;

    Forget(String holder) {
      this.holder = holder;
    }

    @Override
    public Boolean process(Map.Entry<String, LimitCounter> entry) {
      LimitCounter counter = entry.getValue();
      if (counter == null || !counter.forget(holder)) {
        return null;
      }
      entry.setValue(counter.idle(LimitWindow.NOW, 0) ? null : counter);
      return Boolean.TRUE;
    }
  }
}
