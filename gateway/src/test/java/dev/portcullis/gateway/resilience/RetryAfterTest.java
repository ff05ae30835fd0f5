package dev.portcullis.gateway.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static MultiMap headers(String name, String value) {
    return MultiMap.caseInsensitiveMultiMap().add(name, value);
  }

  @Test
  void readsSecondsMillisecondsAndHttpDates() {
    assertThat(RetryAfter.millis(headers("Retry-After", "3"), 0)).isEqualTo(3_000);
    assertThat(RetryAfter.millis(headers("Retry-After", " 2.9 "), 0)).isEqualTo(2_000);
    assertThat(RetryAfter.millis(headers("retry-after-ms", "150"), 0)).isEqualTo(150);
    long now = Instant.parse("2026-12-02T10:00:00Z").toEpochMilli();
    String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.parse("2026-12-02T10:00:05Z").atOffset(ZoneOffset.UTC));
    assertThat(RetryAfter.millis(headers("Retry-After", date), now)).isEqualTo(5_000);
    // A date in the past means now.
    assertThat(RetryAfter.millis(headers("Retry-After", date), now + 60_000)).isZero();
  }

  @Test
  void junkNegativeAndHugeValuesAreIgnoredNotTrusted() {
    for (String junk : new String[] {"-1", "soon", "", "1e9", "0x10", "99999999999999999999", "３"}) {
      assertThat(RetryAfter.millis(headers("Retry-After", junk), 0)).as(junk).isEqualTo(-1);
    }
    assertThat(RetryAfter.millis(MultiMap.caseInsensitiveMultiMap(), 0)).isEqualTo(-1);
    assertThat(RetryAfter.millis(null, 0)).isEqualTo(-1);
  }
}
