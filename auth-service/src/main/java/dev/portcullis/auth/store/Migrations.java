package dev.portcullis.auth.store;

import dev.portcullis.database.Database;
import dev.portcullis.database.SchemaMigrations;
import dev.portcullis.database.SchemaMigrations.Migration;
import io.vertx.core.Future;
import java.util.List;

/**
 * auth-service's schema, recorded in {@code schema_version} ({@link SchemaMigrations} runs them).
 *
 * <p>Never edit a released migration: add the next version.
 */
public final class Migrations {

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
            retired_at BIGINT)""")),
      // What the audit log keeps of each LLM proxy's calls (LlmProxy.AUDIT_LEVELS).
      new Migration(3, "audit level of LLM proxies", List.of(
          "ALTER TABLE llm_proxies ADD COLUMN audit_bodies VARCHAR(16) DEFAULT 'none' NOT NULL")),
      // Each LLM proxy's policy document, canonical JSON (null: none). VARCHAR without a length:
      // PostgreSQL's unbounded character varying, H2's largest, both read back as strings.
      new Migration(4, "policy documents of LLM proxies", List.of(
          "ALTER TABLE llm_proxies ADD COLUMN policies VARCHAR")),
      // Several provider keys per provider, each with a weight (its share of the provider's calls)
      // and its place in the list the admin gave (ordinal: the first key of a provider is the one a
      // caller that needs a single key uses). The primary key changes, which H2 and PostgreSQL do
      // not alter in place alike: each table is built anew, filled (every existing mapping, weight
      // 1), and renamed over the old one. The foreign keys are as before: deleting the owner or the
      // provider key deletes the mapping.
      new Migration(5, "several weighted provider keys per provider", List.of(
          """
          CREATE TABLE virtual_key_provider_keys_v5 (
            virtual_key_id VARCHAR(36) NOT NULL REFERENCES virtual_keys (id) ON DELETE CASCADE,
            provider VARCHAR(32) NOT NULL,
            provider_key_id VARCHAR(36) NOT NULL REFERENCES provider_keys (id) ON DELETE CASCADE,
            weight INT DEFAULT 1 NOT NULL,
            ordinal INT DEFAULT 0 NOT NULL,
            CONSTRAINT virtual_key_provider_keys_pk PRIMARY KEY (virtual_key_id, provider_key_id))""",
          """
          INSERT INTO virtual_key_provider_keys_v5 (virtual_key_id, provider, provider_key_id, weight, ordinal)
            SELECT virtual_key_id, provider, provider_key_id, 1, 0 FROM virtual_key_provider_keys""",
          "DROP TABLE virtual_key_provider_keys",
          "ALTER TABLE virtual_key_provider_keys_v5 RENAME TO virtual_key_provider_keys",
          """
          CREATE TABLE oauth_client_provider_keys_v5 (
            oauth_client_id VARCHAR(36) NOT NULL REFERENCES oauth_clients (id) ON DELETE CASCADE,
            provider VARCHAR(32) NOT NULL,
            provider_key_id VARCHAR(36) NOT NULL REFERENCES provider_keys (id) ON DELETE CASCADE,
            weight INT DEFAULT 1 NOT NULL,
            ordinal INT DEFAULT 0 NOT NULL,
            CONSTRAINT oauth_client_provider_keys_pk PRIMARY KEY (oauth_client_id, provider_key_id))""",
          """
          INSERT INTO oauth_client_provider_keys_v5 (oauth_client_id, provider, provider_key_id, weight, ordinal)
            SELECT oauth_client_id, provider, provider_key_id, 1, 0 FROM oauth_client_provider_keys""",
          "DROP TABLE oauth_client_provider_keys",
          "ALTER TABLE oauth_client_provider_keys_v5 RENAME TO oauth_client_provider_keys")),
      // Each LLM proxy's model-router fallbacks, canonical JSON (null: none), as migration 4.
      new Migration(6, "model-router fallbacks of LLM proxies", List.of(
          "ALTER TABLE llm_proxies ADD COLUMN fallbacks VARCHAR")));

  private Migrations() {}

  /** Brings the schema up to the latest version; answers the version it is at. */
  public static Future<Integer> migrate(Database db) {
    return new SchemaMigrations(db, "schema_version", ALL).migrate();
  }
}
