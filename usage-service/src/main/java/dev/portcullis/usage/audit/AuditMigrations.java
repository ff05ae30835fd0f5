package dev.portcullis.usage.audit;

import dev.portcullis.database.Database;
import dev.portcullis.database.SchemaMigrations.Migration;
import dev.portcullis.database.SchemaMigrations;
import io.vertx.core.Future;
import java.util.List;

/**
 * The audit log's schema, recorded in {@code audit_schema_version}: the same SQL on H2 and
 * PostgreSQL. Free texts and bodies are {@code VARCHAR} without a length: PostgreSQL's
 * unbounded {@code character varying} (as {@code TEXT}), H2's {@code CHARACTER VARYING} of its
 * largest length (1,000,000,000 characters), read back as strings by both clients. Nothing is
 * cut by the database: a value too long for a column would fail the whole batch, every time.
 *
 * <p>Never edit a released migration: add the next version.
 */
public final class AuditMigrations {

  static final List<Migration> ALL = List.of(
      new Migration(1, "audit records and anchors", List.of(
          """
          CREATE TABLE audit_records (
            writer_id VARCHAR(64) NOT NULL,
            seq BIGINT NOT NULL,
            request_id VARCHAR,
            time_ms BIGINT NOT NULL,
            llm_proxy_id VARCHAR,
            caller_kind VARCHAR,
            caller_id VARCHAR,
            provider VARCHAR,
            operation VARCHAR,
            model VARCHAR,
            status INT NOT NULL,
            outcome VARCHAR,
            level VARCHAR NOT NULL,
            request_body VARCHAR,
            response_body VARCHAR,
            truncated BOOLEAN NOT NULL,
            prev_hash VARCHAR(64) NOT NULL,
            hash VARCHAR(64) NOT NULL,
            PRIMARY KEY (writer_id, seq))""",
          "CREATE INDEX audit_records_request ON audit_records (request_id)",
          "CREATE INDEX audit_records_time ON audit_records (time_ms)",
          """
          CREATE TABLE audit_anchors (
            writer_id VARCHAR(64) PRIMARY KEY,
            seq BIGINT NOT NULL,
            hash VARCHAR(64) NOT NULL,
            moved_at BIGINT NOT NULL)""")));

  private AuditMigrations() {}

  /** Brings the audit log's schema up to the latest version; answers the version it is at. */
  public static Future<Integer> migrate(Database db) {
    return new SchemaMigrations(db, "audit_schema_version", ALL).migrate();
  }
}
