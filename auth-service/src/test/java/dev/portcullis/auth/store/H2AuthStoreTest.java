package dev.portcullis.auth.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.database.Database;
import dev.portcullis.database.SchemaMigrations;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2AuthStoreTest extends AuthStoreContract {

  @TempDir
  Path dataDir;

  @Override
  protected Database openDatabase(Vertx vertx) {
    return Database.embedded(vertx, dataDir);
  }

  @Override
  protected Database emptyDatabase(Vertx vertx) {
    return Database.embedded(vertx, dataDir.resolve("empty-" + UUID.randomUUID()));
  }

  @Test
  void aStoreOfTheReleaseBeforePoliciesGainsTheColumnAndKeepsItsProxies() {
    Database oldDb = Database.embedded(vertx, dataDir.resolve("before-policies"));
    assertThat(new SchemaMigrations(oldDb, "schema_version", Migrations.ALL.subList(0, 3)).migrate().await())
        .isEqualTo(3);
    oldDb.query("INSERT INTO llm_proxies (id, name, is_default, created_at, audit_bodies) VALUES (?, ?, ?, ?, ?)",
        Tuple.of("p-1", "team", false, 1L, "metadata")).await();
    oldDb.close().await();

    AuthStore old = new AuthStore(Database.embedded(vertx, dataDir.resolve("before-policies")));
    assertThat(old.migrate().await()).isEqualTo(Migrations.ALL.size());
    assertThat(old.listLlmProxies().await()).containsExactly(new LlmProxy("p-1", "team", false, 1L, "metadata", null));
    assertThat(old.setPolicies("p-1", "{}").await().orElseThrow().policies()).isEqualTo("{}");
    old.close().await();
  }
}
