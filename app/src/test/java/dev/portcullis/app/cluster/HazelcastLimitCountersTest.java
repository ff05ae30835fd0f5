package dev.portcullis.app.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.map.EntryProcessor;
import dev.portcullis.app.PortcullisUnderTest;
import dev.portcullis.common.limit.LimitCounter;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Four clustered Vert.x instances in this JVM (Hazelcast members on loopback, configured as the
 * launcher configures them, plaintext bus) stand for four gateways sharing their limit counters;
 * the fourth is used by one test only, which kills it.
 */
@Timeout(60)
class HazelcastLimitCountersTest {

  private static final long TIMEOUT_MS = 5_000;

  private static final List<Vertx> members = new ArrayList<>();
  private static HazelcastLimitCounters a;
  private static HazelcastLimitCounters b;
  private static HazelcastLimitCounters c;
  private static HazelcastLimitCounters d;

  @BeforeAll
  static void join() {
    List<Integer> ports = List.of(PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort(),
        PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort());
    List<String> list = ports.stream().map(port -> "127.0.0.1:" + port).toList();
    String name = "limits-test-" + ProcessHandle.current().pid();
    List<Future<Vertx>> starting = ports.stream().map(port -> ClusteredVertx.start(
        new ClusterSettings(true, name, list, false, null, "127.0.0.1", null, port, 0, 10, null))).toList();
    members.addAll(Future.all(starting).await().list());
    a = new HazelcastLimitCounters(members.get(0), TIMEOUT_MS);
    b = new HazelcastLimitCounters(members.get(1), TIMEOUT_MS);
    c = new HazelcastLimitCounters(members.get(2), TIMEOUT_MS);
    d = new HazelcastLimitCounters(members.get(3), TIMEOUT_MS);
  }

  @AfterAll
  static void leave() throws Exception {
    List<Future<Void>> closing = members.stream().map(Vertx::close).toList();
    Future.join(new ArrayList<>(closing)).await(30, TimeUnit.SECONDS);
  }

  @Test
  void theStoreIsHazelcastsWhenClusteredAndLocalOtherwise() throws Exception {
    Settings settings = new Settings(new JsonObject().put(LimitCounterStores.SHARED_TIMEOUT, "250"));
    LimitCounters shared = LimitCounterStores.of(members.get(0), settings);
    assertThat(shared).isInstanceOf(HazelcastLimitCounters.class);
    ((HazelcastLimitCounters) shared).close();
    Vertx standalone = Vertx.vertx();
    try {
      assertThat(LimitCounterStores.of(standalone, new Settings(new JsonObject())))
          .isInstanceOf(dev.portcullis.common.limit.LocalLimitCounters.class);
    } finally {
      standalone.close().await();
    }
  }

  @Test
  void concurrentReservationsFromEveryMemberAdmitExactlyTheLimit() throws Exception {
    List<Future<LimitCounter.Outcome>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      for (HazelcastLimitCounters member : List.of(a, b, c)) {
        all.add(member.reserve("race", LimitWindow.MINUTE, 1, 100, true, false));
      }
    }
    List<LimitCounter.Outcome> outcomes = await(Future.all(new ArrayList<>(all))).list();
    assertThat(outcomes.stream().filter(LimitCounter.Outcome::admitted).count()).isEqualTo(100);
    assertThat(outcomes.stream().filter(o -> !o.admitted()).allMatch(o -> o.used() == 100 && o.retryAt() > 0))
        .isTrue();
    for (HazelcastLimitCounters member : List.of(a, b, c)) {
      assertThat(await(member.used("race", LimitWindow.MINUTE))).isEqualTo(100);
    }
  }

  @Test
  void aReservationIsSettledFromAnyMemberAndAnEmptyCounterGoes() throws Exception {
    LimitCounter.Outcome first = await(a.reserve("settle", LimitWindow.MINUTE, 50, 100, true, false));
    assertThat(first.admitted()).isTrue();
    assertThat(first.used()).isEqualTo(50);
    LimitCounter.Outcome refused = await(b.reserve("settle", LimitWindow.MINUTE, 60, 100, true, false));
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.used()).isEqualTo(50);
    assertThat(refused.retryAt()).isGreaterThan(System.currentTimeMillis());

    await(c.adjust("settle", LimitWindow.MINUTE, first.bucket(), -30));
    assertThat(await(b.used("settle", LimitWindow.MINUTE))).isEqualTo(20);
    LimitCounter.Outcome second = await(b.reserve("settle", LimitWindow.MINUTE, 60, 100, true, false));
    assertThat(second.admitted()).isTrue();
    assertThat(second.used()).isEqualTo(80);
    LimitCounter.Outcome soft = await(c.reserve("settle", LimitWindow.MINUTE, 40, 100, false, false));
    assertThat(soft.admitted()).as("a soft reservation is always counted").isTrue();
    assertThat(soft.used()).isEqualTo(120);

    await(a.adjust("settle", LimitWindow.MINUTE, first.bucket(), -20));
    await(a.adjust("settle", LimitWindow.MINUTE, second.bucket(), -60));
    assertThat(a.countersMap().containsKey("settle")).isTrue();
    await(b.adjust("settle", LimitWindow.MINUTE, soft.bucket(), -40));
    assertThat(a.countersMap().containsKey("settle")).as("a counter that holds nothing is removed").isFalse();
    assertThat(await(c.used("settle", LimitWindow.MINUTE))).isZero();
    await(c.adjust("settle", LimitWindow.MINUTE, first.bucket(), -5));
    assertThat(a.countersMap().containsKey("settle")).as("settling a counter that is gone creates none").isFalse();
  }

  @Test
  void aSpendCounterIsSeededOnceWhicheverMembersSeedIt() throws Exception {
    LimitWindow day = LimitWindow.parse("day");
    long today = day.bucketOf(System.currentTimeMillis());
    LimitCounter.Outcome unseeded = await(a.reserve("spend", day, 100, 1_000, true, true));
    assertThat(unseeded).isSameAs(LimitCounter.Outcome.NEEDS_SEED);
    assertThat(a.countersMap().containsKey("spend")).as("a reservation that did nothing writes nothing").isFalse();
    assertThat(await(b.used("spend", day))).isZero();
    assertThat(a.countersMap().containsKey("spend")).as("a read writes nothing").isFalse();

    List<Map<Long, Long>> ledgers = List.of(Map.of(today, 700L), Map.of(today, 900L),
        Map.of(today, 800L, today - 5, 10_000L));
    List<Boolean> seeded = await(Future.all(a.seed("spend", day, ledgers.get(0)), b.seed("spend", day, ledgers.get(1)),
        c.seed("spend", day, ledgers.get(2)))).list();
    assertThat(seeded.stream().filter(Boolean::booleanValue).count()).isEqualTo(1);
    long expected = ledgers.get(seeded.indexOf(true)).get(today);
    assertThat(await(c.used("spend", day))).isEqualTo(expected);
    assertThat(await(a.seed("spend", day, Map.of(today, 1L)))).isFalse();

    LimitCounter.Outcome admitted = await(c.reserve("spend", day, 100, 1_000, true, true));
    assertThat(admitted.admitted()).isTrue();
    assertThat(admitted.used()).isEqualTo(expected + 100);
    await(b.adjust("spend", day, admitted.bucket(), -(expected + 100)));
    assertThat(await(a.used("spend", day))).isZero();
    assertThat(a.countersMap().containsKey("spend")).as("a seeded counter stays, lest it be seeded again").isTrue();
  }

  @Test
  void heldCountsOfAMemberThatIsKilledAreReleasedAndNoCounterIsLost() throws Exception {
    // The worst case on purpose: the member that is killed owns the streams counter, so what the
    // others hold must survive in the backup that is promoted. Hazelcast keeps a backup only once
    // the cluster is safe (no migration in flight): a member lost while partitions still move after
    // a join may take data with it, so the test, like an operator, waits for that first.
    awaitClusterSafe();
    String streams = keyOwnedBy(members.get(3));
    for (int i = 0; i < 30; i++) {
      assertThat(await(d.reserve("survive-" + i, LimitWindow.MINUTE, i + 1, 1_000, true, false)).admitted()).isTrue();
    }
    assertThat(await(d.reserve(streams, LimitWindow.NOW, 3, 5, true, false)).admitted()).isTrue();
    assertThat(await(a.reserve(streams, LimitWindow.NOW, 2, 5, true, false)).admitted()).isTrue();
    LimitCounter.Outcome full = await(b.reserve(streams, LimitWindow.NOW, 1, 5, true, false));
    assertThat(full.admitted()).isFalse();
    assertThat(full.used()).isEqualTo(5);
    assertThat(full.retryAt()).isEqualTo(-1);
    await(a.adjust(streams, LimitWindow.NOW, 0, -1));
    assertThat(await(b.reserve(streams, LimitWindow.NOW, 1, 5, true, false)).admitted()).isTrue();
    // Another member's release does not release what this one holds.
    await(c.adjust(streams, LimitWindow.NOW, 0, -1));
    assertThat(await(c.used(streams, LimitWindow.NOW))).isEqualTo(5);
    awaitClusterSafe();

    Vertx killed = members.get(3);
    hazelcast(killed).getLifecycleService().terminate();
    LimitCounter.Outcome gone = awaitFailure(d.reserve(streams, LimitWindow.NOW, 1, 5, true, false));
    assertThat(gone).isNull();

    long deadline = System.currentTimeMillis() + 30_000;
    while (await(a.used(streams, LimitWindow.NOW)) != 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(100);
    }
    assertThat(await(b.used(streams, LimitWindow.NOW))).as("the killed member's 3 streams released").isEqualTo(2);
    assertThat(await(c.reserve(streams, LimitWindow.NOW, 3, 5, true, false)).admitted()).isTrue();
    for (int i = 0; i < 30; i++) {
      assertThat(await(c.used("survive-" + i, LimitWindow.MINUTE))).as("counter survive-%d", i).isEqualTo(i + 1);
    }
  }

  @Test
  void anOperationThatTheOwnerDoesNotAnswerFailsWithinTheTimeoutAndALateReservationIsGivenBack() throws Exception {
    HazelcastLimitCounters quick = new HazelcastLimitCounters(members.get(0), 300);
    try {
      long start = System.nanoTime();
      Future<Long> stuck = quick.submit(quick.countersMap(), "slow", new Block(), null);
      Future<LimitCounter.Outcome> queued = quick.reserve("slow", LimitWindow.MINUTE, 7, 100, true, false);
      assertThat(awaitFailure(stuck)).isNull();
      assertThat(awaitFailure(queued)).isNull();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      assertThat(elapsedMs).as("failed within the timeout, not after the blocked owner").isLessThan(1_500);
      assertThat(stuck.cause()).isInstanceOf(TimeoutException.class).hasMessageContaining("300 ms");
      assertThat(queued.cause()).isInstanceOf(TimeoutException.class);
    } finally {
      Block.RELEASE.countDown();
    }
    // The owner made the reservation once released, after its caller had given up: it is given back.
    long deadline = System.currentTimeMillis() + 10_000;
    while (await(b.used("slow", LimitWindow.MINUTE)) != 0 && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
    }
    assertThat(await(b.used("slow", LimitWindow.MINUTE))).isZero();
    assertThat(a.countersMap().containsKey("slow")).isFalse();
    quick.close();
  }

  /** Holds its partition's thread until released (at most 10 s): an owner that does not answer. */
  static final class Block implements EntryProcessor<String, LimitCounter, Long> {

    private static final long serialVersionUID = 1L;
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @Override
    public Long process(Map.Entry<String, LimitCounter> entry) {
      try {
        RELEASE.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return 0L;
    }

    @Override
    public EntryProcessor<String, LimitCounter, Long> getBackupProcessor() {
      return null;
    }
  }

  /** A key whose partition {@code member} owns. */
  private static String keyOwnedBy(Vertx member) {
    com.hazelcast.core.HazelcastInstance hz = hazelcast(member);
    java.util.UUID owner = hz.getCluster().getLocalMember().getUuid();
    for (int i = 0; ; i++) {
      String key = "streams-" + i;
      if (owner.equals(hz.getPartitionService().getPartition(key).getOwner().getUuid())) {
        return key;
      }
    }
  }

  private static void awaitClusterSafe() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (!members.stream().allMatch(m -> hazelcast(m).getPartitionService().isClusterSafe())) {
      assertThat(System.currentTimeMillis()).as("the cluster is safe within a minute").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static com.hazelcast.core.HazelcastInstance hazelcast(Vertx vertx) {
    return ((HazelcastClusterManager) ((VertxInternal) vertx).clusterManager()).getHazelcastInstance();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(20, TimeUnit.SECONDS);
  }

  /** Waits for {@code future} to fail (and returns null), failing the test if it succeeds or hangs. */
  private static <T> T awaitFailure(Future<T> future) {
    try {
      future.await(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (future.failed()) {
        return null;
      }
      throw new AssertionError("the future neither failed nor succeeded in 20 s", e);
    }
    throw new AssertionError("expected a failure, got " + future.result());
  }
}
