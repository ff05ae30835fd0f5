package dev.portcullis.usage.query;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The usage report contract on a real PostgreSQL, one instance for the class. */
class PostgresUsageReportTest extends UsageReportContract {

  private static PostgresLedger postgres;

  @BeforeAll
  static void startPostgres() throws Exception {
    postgres = PostgresLedger.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    postgres.close();
  }

  @Override
  protected Database openDatabase(Vertx vertx) throws Exception {
    return postgres.open(vertx);
  }
}
