package dev.portcullis.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.UpstreamCredential;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class UpstreamHealthTest {

  private static final UpstreamCredential HEAVY = new UpstreamCredential("sk-heavy", null, Map.of(), false, "k-heavy", 3);
  private static final UpstreamCredential LIGHT = new UpstreamCredential("sk-light", null, Map.of(), false, "k-light", 1);
  private static final UpstreamCredential OTHER_HOST =
      new UpstreamCredential("sk-other", "https://other.example:8443/v1?x=secret", Map.of(), false, "k-other", 1);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  private UpstreamHealth health(RetrySettings settings) {
    return new UpstreamHealth(settings, registry, clock::get);
  }

  private static RetrySettings circuits(int minimumCalls, long openMs) {
    RetrySettings d = RetrySettings.DEFAULTS;
    return new RetrySettings(d.maxAttempts(), d.budgetMs(), d.backoffMs(), d.maxWaitMs(), 1_000, 60_000,
        50, 30, minimumCalls, openMs, 1);
  }

  @Test
  void callsAreSpreadByWeight() {
    UpstreamHealth health = health(RetrySettings.DEFAULTS);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 4_000; i++) {
      UpstreamHealth.Pick pick = health.pick("openai", List.of(HEAVY, LIGHT), Set.of(), null);
      counts.merge(pick.key().keyId(), 1, Integer::sum);
      health.record(pick, AttemptVerdict.SUCCESS, 1_000);
    }
    // 3:1 expected; the bounds are many standard deviations wide.
    assertThat(counts.get("k-heavy")).isBetween(2_700, 3_300);
    assertThat(counts.get("k-light")).isBetween(700, 1_300);
  }

  @Test
  void aKeyThatFailedRestsWhileAnotherCanTakeTheCallsAndIsTheLastResortMeanwhile() {
    UpstreamHealth health = health(RetrySettings.DEFAULTS);
    UpstreamHealth.Pick first = new UpstreamHealth.Pick(HEAVY, null, null);
    health.record(first, new AttemptVerdict(AttemptVerdict.Kind.RETRY, 5_000), 1_000);
    for (int i = 0; i < 50; i++) {
      assertThat(health.pick("openai", List.of(HEAVY, LIGHT), Set.of(), null).key()).isSameAs(LIGHT);
    }
    // With the awake key tried already, the resting one still serves rather than nobody.
    assertThat(health.pick("openai", List.of(HEAVY, LIGHT), Set.of(LIGHT), null).key()).isSameAs(HEAVY);
    clock.addAndGet(5_001_000_000L);
    Set<String> used = new java.util.HashSet<>();
    for (int i = 0; i < 200; i++) {
      used.add(health.pick("openai", List.of(HEAVY, LIGHT), Set.of(), null).key().keyId());
    }
    assertThat(used).containsExactlyInAnyOrder("k-heavy", "k-light");
  }

  @Test
  void withoutRetryAfterTheRestDoublesWithEachFailureInARowAndEndsOnSuccess() {
    UpstreamHealth health = health(circuits(1_000, 1_000));
    UpstreamHealth.Pick pick = new UpstreamHealth.Pick(HEAVY, null, null);
    health.record(pick, new AttemptVerdict(AttemptVerdict.Kind.FAILED, -1), 1);
    health.record(pick, new AttemptVerdict(AttemptVerdict.Kind.FAILED, -1), 1);
    clock.addAndGet(1_500_000_000L);
    // Two failures in a row: 2 s, so still resting after 1.5 s.
    assertThat(health.pick("openai", List.of(HEAVY, LIGHT), Set.of(), null).key()).isSameAs(LIGHT);
    health.record(pick, AttemptVerdict.SUCCESS, 1);
    assertThat(health.pick("openai", List.of(HEAVY), Set.of(LIGHT), null).key()).isSameAs(HEAVY);
  }

  @Test
  void anOpenKeyCircuitIsNeverUsedAndAnotherKeyTakesTheCall() {
    UpstreamHealth health = health(circuits(2, 60_000));
    for (int i = 0; i < 2; i++) {
      UpstreamHealth.Pick pick = health.pick("openai", List.of(HEAVY), Set.of(), null);
      // 429s: about this key alone, so its host stays open to the other keys.
      health.record(pick, new AttemptVerdict(AttemptVerdict.Kind.RETRY, 0, true), 1_000);
    }
    UpstreamHealth.Pick only = health.pick("openai", List.of(HEAVY), Set.of(), null);
    assertThat(only.refused()).isTrue();
    assertThat(only.refusedCircuit()).isEqualTo("openai/key/k-heavy");
    assertThat(health.pick("openai", List.of(HEAVY, LIGHT), Set.of(), null).key()).isSameAs(LIGHT);
    assertThat(health.circuits().getJsonArray("open").getList()).containsExactly("openai/key/k-heavy");
    assertThat(registry.get("portcullis_circuit_state").tag("circuit", "openai/key/k-heavy").gauge().value())
        .isEqualTo(1.0);
  }

  @Test
  void failuresOfTheHostCloseItToEveryKeyOnIt() {
    UpstreamHealth health = health(circuits(2, 60_000));
    for (int i = 0; i < 2; i++) {
      health.record(health.pick("openai", List.of(HEAVY), Set.of(), null),
          new AttemptVerdict(AttemptVerdict.Kind.FAILED, 0), 1_000);
    }
    UpstreamHealth.Pick refused = health.pick("openai", List.of(HEAVY, LIGHT), Set.of(), null);
    assertThat(refused.refused()).isTrue();
    assertThat(health.circuits().getJsonArray("open").getList()).contains("openai/host/default");
    // A key on another host still goes.
    assertThat(health.pick("openai", List.of(HEAVY, OTHER_HOST), Set.of(), null).key()).isSameAs(OTHER_HOST);
  }

  @Test
  void theHostCircuitGuardsCallsWithoutKeysAndNamesOnlyTheHost() {
    UpstreamHealth health = health(circuits(2, 60_000));
    for (int i = 0; i < 2; i++) {
      health.record(health.pick("openai", List.of(OTHER_HOST), Set.of(), null),
          new AttemptVerdict(AttemptVerdict.Kind.RETRY, 0), 1_000);
    }
    assertThat(health.circuits().getJsonArray("open").getList())
        .contains("openai/host/other.example:8443").noneMatch(name -> name.toString().contains("secret"));
    // A passthrough call to the provider's own host is another circuit.
    assertThat(health.pick("openai", List.of(), Set.of(), null).refused()).isFalse();
  }

  @Test
  void aReleasedPermitLeavesAHalfOpenCircuitAbleToProbe() {
    UpstreamHealth health = health(circuits(1, 1));
    health.record(health.pick("openai", List.of(), Set.of(), null), new AttemptVerdict(AttemptVerdict.Kind.FAILED, 0), 1);
    clock.addAndGet(5_000_000L);
    try {
      Thread.sleep(5);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    UpstreamHealth.Pick probe = health.pick("openai", List.of(), Set.of(), null);
    assertThat(probe.refused()).isFalse();
    // The client went away: nothing was learnt, the permit goes back for the next probe.
    health.release(probe);
    assertThat(health.pick("openai", List.of(), Set.of(), null).refused()).isFalse();
  }

  @Test
  void hostsAreReadWithoutPathsQueriesOrUserInfo() {
    assertThat(UpstreamHealth.hostOf(null)).isEqualTo("default");
    assertThat(UpstreamHealth.hostOf("https://user:pw@api.example.com/v1?key=sk")).isEqualTo("api.example.com");
    assertThat(UpstreamHealth.hostOf("not a url at all")).isEqualTo("custom");
  }
}
