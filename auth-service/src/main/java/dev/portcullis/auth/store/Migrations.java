package dev.portcullis.auth.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, recorded in {@code schema_version}. Each version runs once, in one
 * transaction together with its {@code schema_version} row; the same SQL serves H2 and
 * PostgreSQL. When several auth-service instances start at once on one PostgreSQL, the loser of
 * the race fails on the version's primary key and simply finds the schema already there.
 *
 * <p>Never edit a released migration: add the next version.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  record Migration(int version, String description, List<String> statements) {}

  static final List<Migration> ALL = List.of(
      new Migration(1, "provider keys, LLM proxies, virtual keys, OAuth clients", List.of(
          """
          CREATE TABLE provider_keys (
            id VARCHAR(36) PRIMARY KEY,
            provider VARCHAR(32) NOT NULL,
            name VARCHAR(200) NOT NULL,
            api_key_encrypted VARCHAR(8192),
            base_url VARCHAR(2048),
            inference_url VARCHAR(2048),
            extra_headers_encrypted VARCHAR(65536),
            created_at BIGINT NOT NULL,
            CONSTRAINT provider_keys_provider_name UNIQUE (provider, name))""",
          """
          CREATE TABLE llm_proxies (
            id VARCHAR(36) PRIMARY KEY,
            name VARCHAR(200) NOT NULL,
            is_default BOOLEAN NOT NULL,
            created_at BIGINT NOT NULL,
            CONSTRAINT llm_proxies_name UNIQUE (name))""",
          """
          CREATE TABLE virtual_keys (
            id VARCHAR(36) PRIMARY KEY,
            name VARCHAR(200) NOT NULL,
            key_hash VARCHAR(64) NOT NULL,
            expires_at BIGINT,
            created_at BIGINT NOT NULL,
            CONSTRAINT virtual_keys_key_hash UNIQUE (key_hash))""",
          // One provider key per provider per virtual key, by the primary key. Deleting a provider
          // key removes its mappings; an LLM proxy a key is limited to cannot be deleted (RESTRICT),
          // since dropping the last limit would widen the key to every proxy.
          """
          CREATE TABLE virtual_key_provider_keys (
            virtual_key_id VARCHAR(36) NOT NULL REFERENCES virtual_keys (id) ON DELETE CASCADE,
            provider VARCHAR(32) NOT NULL,
            provider_key_id VARCHAR(36) NOT NULL REFERENCES provider_keys (id) ON DELETE CASCADE,
            PRIMARY KEY (virtual_key_id, provider))""",
          """
          CREATE TABLE virtual_key_llm_proxies (
            virtual_key_id VARCHAR(36) NOT NULL REFERENCES virtual_keys (id) ON DELETE CASCADE,
            llm_proxy_id VARCHAR(36) NOT NULL REFERENCES llm_proxies (id) ON DELETE RESTRICT,
            PRIMARY KEY (virtual_key_id, llm_proxy_id))""",
          """
          CREATE TABLE oauth_clients (
            id VARCHAR(36) PRIMARY KEY,
            name VARCHAR(200) NOT NULL,
            client_id VARCHAR(64) NOT NULL,
            secret_hash VARCHAR(64) NOT NULL,
            created_at BIGINT NOT NULL,
            CONSTRAINT oauth_clients_client_id UNIQUE (client_id))""",
          """
          CREATE TABLE oauth_client_provider_keys (
            oauth_client_id VARCHAR(36) NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
            provider VARCHAR(32) NOT NULL,
            provider_key_id VARCHAR(36) NOT NULL REFERENCES provider_keys (id) ON DELETE CASCADE,
            PRIMARY KEY (oauth_client_id, provider))""",
          """
          CREATE TABLE oauth_client_llm_proxies (
            oauth_client_id VARCHAR(36) NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
            llm_proxy_id VARCHAR(36) NOT NULL REFERENCES llm_proxies (id) ON DELETE RESTRICT,
            PRIMARY KEY (oauth_client_id, llm_proxy_id))""")),
      // Access-token signing keys (ES256): the private JWK sealed under the auth secret. The newest
      // unretired key signs; retired ones stay published until their last token has expired.
      new Migration(2, "access-token signing keys", List.of(
          """
          CREATE TABLE token_signing_keys (
            kid VARCHAR(100) PRIMARY KEY,
            private_jwk_encrypted VARCHAR(4096) NOT NULL,
            created_at BIGINT NOT NULL,
            retired_at BIGINT)""")));

  private Migrations() {}

  /** Brings the schema up to the latest version; answers the version it is at. */
  public static Future<Integer> migrate(Database db) {
    return db.inTransaction(conn -> db.update(conn, """
            CREATE TABLE IF NOT EXISTS schema_version (
              version INT PRIMARY KEY,
              description VARCHAR(200) NOT NULL,
              applied_at BIGINT NOT NULL)"""))
        .compose(ignored -> currentVersion(db))
        .compose(current -> applyFrom(db, current, 0));
  }

  private static Future<Integer> currentVersion(Database db) {
    return db.query("SELECT MAX(version) FROM schema_version", Tuple.tuple())
        .map(rows -> {
          Row row = rows.iterator().next();
          Integer version = row.getInteger(0);
          return version == null ? 0 : version;
        });
  }

  private static Future<Integer> applyFrom(Database db, int current, int index) {
    if (index == ALL.size()) {
      return Future.succeededFuture(current);
    }
    Migration migration = ALL.get(index);
    if (migration.version() <= current) {
      return applyFrom(db, current, index + 1);
    }
    return db.inTransaction(conn -> {
          Future<?> chain = Future.succeededFuture();
          for (String statement : migration.statements()) {
            chain = chain.compose(ignored -> db.update(conn, statement));
          }
          return chain.compose(ignored -> db.query(conn,
              "INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)",
              Tuple.of(migration.version(), migration.description(), System.currentTimeMillis())));
        })
        .map(ignored -> {
          LOG.info("Applied store migration {} ({})", migration.version(), migration.description());
          return migration.version();
        })
        // Another instance may have applied it meanwhile: trust the table, not our attempt.
        .recover(failure -> currentVersion(db).compose(now -> now >= migration.version()
            ? Future.succeededFuture(now) : Future.failedFuture(failure)))
        .compose(now -> applyFrom(db, now, index + 1));
  }
}
