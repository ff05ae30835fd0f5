package dev.portcullis.auth.store;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The same contract against a real PostgreSQL; each test starts from an empty database. */
class PostgresAuthStoreTest extends AuthStoreContract {

  private static EmbeddedPostgres postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = EmbeddedPostgres.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @BeforeEach
  void emptyDatabase() {
    // Runs after the store opened (JUnit runs superclass @BeforeEach first): drop and migrate again.
    store.close().await();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    store = new AuthStore(openDatabase(vertx));
    store.migrate().await();
  }

  /** A database of its own on the same server, created for the test. */
  @Override
  protected Database emptyDatabase(Vertx vertx) throws Exception {
    String name = "empty_" + UUID.randomUUID().toString().replace("-", "");
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    return Database.postgres(vertx, "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/" + name);
  }

  @Override
  protected Database openDatabase(Vertx vertx) {
    return Database.postgres(vertx,
        "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres");
  }
}
