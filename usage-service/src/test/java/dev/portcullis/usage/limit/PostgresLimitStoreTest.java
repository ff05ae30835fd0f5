package dev.portcullis.usage.limit;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The same contract against a real PostgreSQL; each test starts from an empty database. */
class PostgresLimitStoreTest extends LimitStoreContract {

  private static PostgresDatabase postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresDatabase.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  protected Database openEmptyDatabase(Vertx vertx) throws Exception {
    return postgres.openEmpty(vertx);
  }

  @Override
  protected Database reopenDatabase(Vertx vertx) {
    return postgres.reopen(vertx);
  }
}
