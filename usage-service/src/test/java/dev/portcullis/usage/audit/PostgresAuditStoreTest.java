package dev.portcullis.usage.audit;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract against a real PostgreSQL; each test starts from an empty database. */
class PostgresAuditStoreTest extends AuditStoreContract {

  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  protected Database openEmptyDatabase(Vertx vertx) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
    return Database.postgres(vertx, "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres");
  }
}
