package dev.portcullis.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void everySslModeMakesAPoolAndAFailedConnectionIsAnErrorNotACrash() {
    for (String mode : new String[] {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"}) {
      Database db = Database.postgres(vertx, "postgresql://u:p@127.0.0.1:1/db?sslmode=" + mode);
      assertThat(db.postgres()).isTrue();
      assertThatThrownBy(() -> db.query("SELECT 1", io.vertx.sqlclient.Tuple.tuple()).await())
          .as(mode).isNotInstanceOf(NullPointerException.class);
      db.close().await();
    }
  }

  @Test
  void aUrlThatIsNotPostgresIsASettingsErrorThatNeverEchoesThePassword() {
    assertThatThrownBy(() -> Database.postgres(vertx, "mysql://u:secret-pw@host/db"))
        .isInstanceOf(SettingsException.class).hasMessageNotContaining("secret-pw");
  }

  @Test
  void h2RewritesNothingAndPostgresNumbersItsPlaceholders() {
    Database postgres = Database.postgres(vertx, "postgresql://u:p@127.0.0.1:1/db");
    assertThat(postgres.dialect("SELECT ? WHERE a = ? AND b = ?")).isEqualTo("SELECT $1 WHERE a = $2 AND b = $3");
    postgres.close().await();
  }

  @Test
  void anAppendMostlyStoreCompactsOnlyHalfDeadChunksWithASmallCacheAndTheOthersKeepH2sDefaults(@TempDir Path dir) {
    Database appends = Database.embedded(vertx, dir, "appends", Database.Writes.APPENDS);
    Database updates = Database.embedded(vertx, dir, "updates");
    try {
      assertThat(setting(appends, "AUTO_COMPACT_FILL_RATE")).isEqualTo("50");
      assertThat(setting(appends, "info.CACHE_MAX_SIZE")).isEqualTo("1");
      assertThat(setting(updates, "AUTO_COMPACT_FILL_RATE")).isEqualTo("90");
      assertThat(setting(updates, "info.CACHE_MAX_SIZE")).isEqualTo("16");
    } finally {
      appends.close().await();
      updates.close().await();
    }
  }

  /** An H2 setting as the open database reports it (the cache's size in MB). */
  private static String setting(Database db, String name) {
    return db.query("SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = ?",
        Tuple.of(name)).await().iterator().next().getString(0);
  }
}
