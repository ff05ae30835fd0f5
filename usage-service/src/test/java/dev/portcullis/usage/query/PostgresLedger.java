package dev.portcullis.usage.query;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;

/** A real PostgreSQL for one test class; {@link #open} empties it for each test. */
final class PostgresLedger implements AutoCloseable {

  private final EmbeddedPostgres postgres;

  private PostgresLedger(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  static PostgresLedger start() throws Exception {
    return new PostgresLedger(EmbeddedPostgres.start());
  }

  /** An empty database (the schema dropped and made again), not yet migrated. */
  Database open(Vertx vertx) throws Exception {
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
    }
    return Database.postgres(vertx, "postgresql://postgres:postgres@localhost:" + postgres.getPort() + "/postgres");
  }

  @Override
  public void close() throws Exception {
    postgres.close();
  }
}
