package dev.portcullis.usage.limit;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;

/** A real PostgreSQL for one test class. */
final class PostgresDatabase implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private PostgresDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static PostgresDatabase start() throws Exception {
    return new PostgresDatabase(EmbeddedPostgres.start());
  }

  /** An empty database (the schema dropped and made again), not yet migrated. */
  Database openEmpty(Vertx vertx) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
    return reopen(vertx);
  }

  /** The same database again, as a restarted ledger finds it. */
  Database reopen(Vertx vertx) {
    return Database.postgres(vertx, "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres");
  }

  @Override
  public void close() throws Exception {
    postgres.close();
  }
}
