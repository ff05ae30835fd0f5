package dev.portcullis.usage.query;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The usage routes contract on embedded H2. */
class H2UsageRoutesTest extends UsageRoutesContract {

  @TempDir
  Path dir;

  @Override
  protected Database openDatabase(Vertx vertx) {
    return Database.embedded(vertx, dir, "usage");
  }
}
