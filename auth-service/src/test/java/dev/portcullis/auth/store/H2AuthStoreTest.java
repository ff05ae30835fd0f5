package dev.portcullis.auth.store;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

class H2AuthStoreTest extends AuthStoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected Database openDatabase(Vertx vertx) {
    return Database.embedded(vertx, dataDir);
  }
}
