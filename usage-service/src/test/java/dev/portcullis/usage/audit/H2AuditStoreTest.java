package dev.portcullis.usage.audit;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2AuditStoreTest extends AuditStoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected Database openEmptyDatabase(Vertx vertx) {
    return Database.embedded(vertx, dataDir, "usage");
  }
}
