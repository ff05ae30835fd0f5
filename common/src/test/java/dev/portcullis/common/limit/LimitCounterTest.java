package dev.portcullis.common.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LimitCounterTest {

  private static final LimitWindow MINUTE = LimitWindow.MINUTE;

  @Test
  void the_61st_request_in_a_minute_is_refused_and_told_when_to_retry() {
    LimitCounter counter = new LimitCounter(MINUTE);
    long t0 = 1_000_000_000L;
    for (int i = 0; i < 60; i++) {
      assertThat(counter.reserve(MINUTE, t0 + i * 100, 1, 60, true, false, "g").admitted()).isTrue();
    }
    LimitCounter.Outcome refused = counter.reserve(MINUTE, t0 + 6_000, 1, 60, true, false, "g");
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.used()).isEqualTo(60);
    // The first request's second bucket leaves the window a minute (and at most a bucket) later.
    assertThat(refused.retryAt()).isBetween(t0 + 60_000, t0 + 61_000);
    assertThat(counter.reserve(MINUTE, refused.retryAt(), 1, 60, true, false, "g").admitted()).isTrue();
  }

  /** Whatever the arrival pattern, no 60 s span ever holds more admitted requests than the limit. */
  @Test
  void no_rolling_minute_ever_admits_more_than_the_limit() {
    Random random = new Random(42);
    LimitCounter counter = new LimitCounter(MINUTE);
    Deque<Long> admitted = new ArrayDeque<>();
    long now = 5_000_000L;
    for (int i = 0; i < 20_000; i++) {
      now += random.nextInt(random.nextBoolean() ? 50 : 3_000);
      if (counter.reserve(MINUTE, now, 1, 30, true, false, "g").admitted()) {
        admitted.addLast(now);
        while (admitted.peekFirst() <= now - 60_000) {
          admitted.removeFirst();
        }
        assertThat(admitted.size()).isLessThanOrEqualTo(30);
      }
    }
  }

  @Test
  void a_settlement_corrects_the_bucket_it_was_reserved_in_and_ignores_one_that_expired() {
    LimitCounter counter = new LimitCounter(MINUTE);
    long t0 = 10_000_000L;
    LimitCounter.Outcome reserved = counter.reserve(MINUTE, t0, 1_000, 5_000, true, false, "g");
    counter.adjust(MINUTE, t0 + 2_000, reserved.bucket(), 200 - 1_000, "g");
    assertThat(counter.used(MINUTE, t0 + 2_000)).isEqualTo(200);
    counter.adjust(MINUTE, t0 + 120_000, reserved.bucket(), 10_000, "g");
    assertThat(counter.used(MINUTE, t0 + 120_000)).isZero();
  }

  @Test
  void soft_reservations_always_go_through_and_report_the_use_beyond_the_limit() {
    LimitCounter counter = new LimitCounter(MINUTE);
    counter.reserve(MINUTE, 0, 3, 2, false, false, "g");
    LimitCounter.Outcome over = counter.reserve(MINUTE, 1, 1, 2, false, false, "g");
    assertThat(over.admitted()).isTrue();
    assertThat(over.used()).isEqualTo(4);
  }

  @Test
  void an_amount_over_the_limit_itself_never_fits() {
    LimitCounter counter = new LimitCounter(MINUTE);
    LimitCounter.Outcome refused = counter.reserve(MINUTE, 0, 101, 100, true, false, "g");
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.retryAt()).isEqualTo(-1);
  }

  @Test
  void spend_waits_for_its_seed_which_applies_once() {
    LimitWindow month = LimitWindow.Calendar.MONTH;
    long now = Instant.parse("2026-12-15T10:00:00Z").toEpochMilli();
    LimitCounter counter = new LimitCounter(month);
    assertThat(counter.reserve(month, now, 5, 100, true, true, "g").needsSeed()).isTrue();
    long bucket = month.bucketOf(now);
    assertThat(counter.seed(month, now, Map.of(bucket, 90L, bucket - 1, 1_000L))).isTrue();
    assertThat(counter.seed(month, now, Map.of(bucket, 90L))).isFalse();
    assertThat(counter.used(month, now)).isEqualTo(90);
    LimitCounter.Outcome refused = counter.reserve(month, now, 11, 100, true, true, "g");
    assertThat(refused.admitted()).isFalse();
    assertThat(refused.retryAt()).isEqualTo(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
    assertThat(counter.reserve(month, now, 10, 100, true, true, "g").admitted()).isTrue();
    // A new month starts from nothing.
    long january = Instant.parse("2027-01-01T00:00:01Z").toEpochMilli();
    assertThat(counter.used(month, january)).isZero();
  }

  @Test
  void held_streams_are_released_by_their_holder_and_forgotten_when_it_is_gone() {
    LimitCounter counter = new LimitCounter(LimitWindow.NOW);
    assertThat(counter.reserve(LimitWindow.NOW, 0, 1, 2, true, false, "a").admitted()).isTrue();
    assertThat(counter.reserve(LimitWindow.NOW, 0, 1, 2, true, false, "b").admitted()).isTrue();
    assertThat(counter.reserve(LimitWindow.NOW, 0, 1, 2, true, false, "b").admitted()).isFalse();
    counter.adjust(LimitWindow.NOW, 0, 0, -1, "a");
    assertThat(counter.used(LimitWindow.NOW, 0)).isEqualTo(1);
    assertThat(counter.forget("b")).isTrue();
    assertThat(counter.idle(LimitWindow.NOW, 0)).isTrue();
  }

  @Test
  void windows_read_and_refuse_what_they_cannot_count() {
    assertThat(LimitWindow.parse("PT6H")).isEqualTo(new LimitWindow.Rolling(Duration.ofHours(6)));
    assertThat(LimitWindow.parse("day")).isEqualTo(LimitWindow.Calendar.DAY);
    assertThat(((LimitWindow.Rolling) LimitWindow.parse("PT6H")).bucketMillis()).isEqualTo(360_000);
    assertThat(LimitWindow.parse("PT6H").span()).isEqualTo(61);
    for (String bad : new String[] {"", "week", "PT30S", "P400D", "-PT1H", "PT1H;DROP"}) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> LimitWindow.parse(bad))
          .isInstanceOf(IllegalArgumentException.class);
    }
    LimitWindow month = LimitWindow.Calendar.MONTH;
    long feb29 = Instant.parse("2028-02-29T23:59:59Z").toEpochMilli();
    assertThat(month.bucketStart(month.bucketOf(feb29))).isEqualTo(Instant.parse("2028-02-01T00:00:00Z").toEpochMilli());
    assertThat(month.expiresAt(month.bucketOf(feb29))).isEqualTo(Instant.parse("2028-03-01T00:00:00Z").toEpochMilli());
  }

  @Test
  void model_globs_match_whole_ids() {
    assertThat(ModelGlob.matches("openai:*", "openai:gpt-4o")).isTrue();
    assertThat(ModelGlob.matches("openai:*", "openai-compat:gpt")).isFalse();
    assertThat(ModelGlob.matches("openai:gpt-4o", "openai:gpt-4o-mini")).isFalse();
    assertThat(ModelGlob.matches("*:claude-*", "bedrock:claude-3")).isTrue();
    assertThat(ModelGlob.matches("openai:gpt-4?", "openai:gpt-4o")).isTrue();
    assertThat(ModelGlob.matches("a*b*c", "a" + "x".repeat(10_000) + "b")).isFalse();
  }
}
