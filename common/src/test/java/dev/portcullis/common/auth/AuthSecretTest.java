package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthSecretTest {

  private static final String GOOD = RandomTokens.base62(40);

  @Test
  void theEmbeddedSingleProcessDefaultGeneratesOneSecretInTheDataDir(@TempDir Path dir) throws Exception {
    Settings settings = new Settings(new JsonObject().put(AuthSecret.DATA_DIR_SETTING, dir.toString()));
    String secret = AuthSecret.resolve(settings, false);
    assertThat(secret).hasSizeGreaterThanOrEqualTo(AuthSecret.MIN_LENGTH);
    assertThat(AuthSecret.resolve(settings, false)).isEqualTo(secret);
    assertThat(Files.readString(dir.resolve(AuthSecret.FILE_NAME)).trim()).isEqualTo(secret);
  }

  @Test
  void clusteredOrWithADatabaseUrlASecretIsRequired(@TempDir Path dir) {
    JsonObject base = new JsonObject().put(AuthSecret.DATA_DIR_SETTING, dir.toString());
    assertRefused(new Settings(base), true, "is required");
    assertRefused(new Settings(base.copy().put(AuthSecret.DATABASE_URL_SETTING, "postgresql://u:p@db/x")), false,
        "is required");
    assertThat(AuthSecret.check(new Settings(base.copy().put(AuthSecret.SETTING, GOOD)), true)).isEqualTo(GOOD);
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void aShortOrPublishedSecretIsRefusedInEveryMode() {
    for (boolean clustered : new boolean[] {false, true}) {
      assertRefused(settings("x".repeat(AuthSecret.MIN_LENGTH - 1)), clustered, "at least 32 characters");
      assertRefused(settings("change-me-to-a-long-random-secret"), clustered, "example value");
      for (String known : KnownSecrets.all()) {
        if (known.length() >= AuthSecret.MIN_LENGTH) {
          assertRefused(settings(known), clustered, "example value");
        } else {
          assertRefused(settings(known), clustered, "");
        }
      }
    }
  }

  @Test
  void theRefusalNeverEchoesTheSecret() {
    String almost = "short-but-secret-value";
    assertThatThrownBy(() -> AuthSecret.check(settings(almost), false)).isInstanceOf(SettingsException.class)
        .hasMessageStartingWith(AuthSecret.SETTING).hasMessageNotContaining(almost);
  }

  private static Settings settings(String secret) {
    return new Settings(new JsonObject().put(AuthSecret.SETTING, secret));
  }

  private static void assertRefused(Settings settings, boolean clustered, String reason) {
    assertThatThrownBy(() -> AuthSecret.check(settings, clustered)).isInstanceOf(SettingsException.class)
        .hasMessageStartingWith(AuthSecret.SETTING + ":").hasMessageContaining(reason)
        .satisfies(e -> assertThat(((SettingsException) e).setting()).isEqualTo(AuthSecret.SETTING));
  }
}
