package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Point 7 of issue 10: a published or short auth secret stops Portcullis before it serves anything. */
class AuthSecretStartupTest {

  @Test
  void composesExampleSecretIsRefusedNamingTheSettingButNotTheValue() {
    assertRefused("change-me-to-a-long-random-secret");
  }

  @Test
  void aShortSecretIsRefused() {
    assertRefused("only-twenty-chars-ok");
  }

  @Test
  void withADatabaseUrlASecretIsRequired() {
    assertThatThrownBy(() -> PortcullisUnderTest.start(Map.of("ARCHESTRA_DATABASE_URL",
        "postgresql://portcullis:pw@127.0.0.1:1/portcullis?sslmode=verify-full")))
        .satisfies(e -> assertThat(configException(e).setting()).isEqualTo("ARCHESTRA_AUTH_SECRET"));
  }

  private static void assertRefused(String secret) {
    assertThatThrownBy(() -> PortcullisUnderTest.start(Map.of("ARCHESTRA_AUTH_SECRET", secret)))
        .satisfies(e -> {
          SettingsException config = configException(e);
          assertThat(config.setting()).isEqualTo("ARCHESTRA_AUTH_SECRET");
          assertThat(config.getMessage()).doesNotContain(secret);
        });
  }

  /** What Main turns into exit status 2 and one line naming the setting. */
  private static SettingsException configException(Throwable thrown) {
    for (Throwable t = thrown; t != null; t = t.getCause()) {
      if (t instanceof SettingsException config) {
        return config;
      }
    }
    throw new AssertionError("not a SettingsException: " + thrown);
  }
}
