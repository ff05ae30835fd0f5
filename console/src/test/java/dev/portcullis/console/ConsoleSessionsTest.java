package dev.portcullis.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConsoleSessionsTest {

  private final AtomicLong now = new AtomicLong(1_000_000);
  private final ConsoleSettings settings = new ConsoleSettings(true, 30 * 60_000, 12 * 3_600_000, false);
  private final ConsoleSessions sessions = new ConsoleSessions(settings, now::get);

  @Test
  void aSessionLivesWhileUsedUntilItsMaximumAge() {
    ConsoleSessions.Opened opened = sessions.open();
    for (int i = 0; i < 24; i++) {
      now.addAndGet(29 * 60_000);
      assertThat(sessions.use(opened.cookieValue())).as("after %d uses", i).isPresent();
    }
    now.addAndGet(29 * 60_000);
    // 12 h after sign-in it ends, however busy.
    assertThat(sessions.use(opened.cookieValue())).isEmpty();
  }

  @Test
  void anIdleSessionEndsAndStaysEnded() {
    ConsoleSessions.Opened opened = sessions.open();
    now.addAndGet(30 * 60_000);
    assertThat(sessions.use(opened.cookieValue())).isEmpty();
    now.addAndGet(-60_000);
    assertThat(sessions.use(opened.cookieValue())).isEmpty();
  }

  @Test
  void onlyTheExactCookieNamesTheSessionAndItsCsrfTokenIsItsOwn() {
    ConsoleSessions.Opened a = sessions.open();
    ConsoleSessions.Opened b = sessions.open();
    assertThat(a.cookieValue()).isNotEqualTo(b.cookieValue());
    assertThat(a.session().csrfToken()).isNotEqualTo(b.session().csrfToken()).isNotEqualTo(a.cookieValue());
    assertThat(sessions.use(a.cookieValue().substring(1))).isEmpty();
    assertThat(sessions.use(a.cookieValue() + "x")).isEmpty();
    assertThat(sessions.use("")).isEmpty();
    assertThat(sessions.use(null)).isEmpty();
    assertThat(sessions.use("x".repeat(10_000))).isEmpty();
    assertThat(a.session().csrfMatches(b.session().csrfToken())).isFalse();
    assertThat(a.session().csrfMatches(null)).isFalse();
    assertThat(a.session().csrfMatches(a.session().csrfToken())).isTrue();
    assertThat(a.toString() + a.session()).doesNotContain(a.cookieValue()).doesNotContain(a.session().csrfToken());
    sessions.close(a.cookieValue());
    assertThat(sessions.use(a.cookieValue())).isEmpty();
    assertThat(sessions.use(b.cookieValue())).isPresent();
  }

  @Test
  void endlessSignInsKeepTheStoreBoundedAndDropTheLeastRecentlyUsed() {
    ConsoleSessions.Opened kept = sessions.open();
    for (int i = 0; i < ConsoleSessions.MAX_SESSIONS * 3; i++) {
      now.incrementAndGet();
      sessions.use(kept.cookieValue());
      sessions.open();
    }
    assertThat(sessions.size()).isLessThanOrEqualTo(ConsoleSessions.MAX_SESSIONS);
    assertThat(sessions.use(kept.cookieValue())).isPresent();
  }

  @Test
  void theConsoleIsServedInClearOnlyOnLoopbackUnlessTold() {
    for (String loopback : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "LOCALHOST"}) {
      settings.checkServedSafely(loopback, false);
    }
    for (String network : new String[] {"0.0.0.0", "::", "10.0.0.5", "192.168.1.1", "example.com", "127.0.0.1.nip.io",
        "localhost.example.com"}) {
      assertThatThrownBy(() -> settings.checkServedSafely(network, false)).as(network)
          .isInstanceOf(SettingsException.class).hasMessageContaining(ConsoleSettings.ALLOW_PLAIN_HTTP);
      settings.checkServedSafely(network, true);
      new ConsoleSettings(true, 1, 1, true).checkServedSafely(network, false);
      new ConsoleSettings(false, 1, 1, false).checkServedSafely(network, false);
    }
  }
}
