package dev.portcullis.usage.limit;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2LedgerSpendTest extends LedgerSpendContract {

  @TempDir
  Path dataDir;

  @Override
  protected Database openEmptyDatabase(Vertx vertx) {
    return Database.embedded(vertx, dataDir, "usage");
  }
}
