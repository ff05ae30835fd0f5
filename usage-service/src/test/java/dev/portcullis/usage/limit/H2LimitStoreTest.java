package dev.portcullis.usage.limit;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2LimitStoreTest extends LimitStoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected Database openEmptyDatabase(Vertx vertx) {
    return Database.embedded(vertx, dataDir, "usage");
  }

  @Override
  protected Database reopenDatabase(Vertx vertx) {
    return Database.embedded(vertx, dataDir, "usage");
  }
}
