package dev.portcullis.usage.store;

import dev.portcullis.database.Database;
import dev.portcullis.database.SchemaMigrations;
import dev.portcullis.database.SchemaMigrations.Migration;
import io.vertx.core.Future;
import java.util.List;

/**
 * The usage ledger's schema, recorded in {@code usage_schema_version}: the same SQL on H2 and
 * PostgreSQL. Token counts are NULL where the provider reported none; {@code cost_usd} is NULL
 * where no price was known when the record was written (it is never filled in later).
 * {@code limits} names the limit rules that acted on the call ({@code UsageRecord.limits()}), or is NULL;
 * {@code policy} what the security policies did to it ({@code UsageRecord.policy()}), or is NULL.
 *
 * <p>Never edit a released migration: add the next version.
 */
public final class UsageMigrations {

  static final List<Migration> ALL = List.of(
      new Migration(1, "usage records", List.of(
          """
          CREATE TABLE usage_records (
            id VARCHAR(64) PRIMARY KEY,
            time_ms BIGINT NOT NULL,
            llm_proxy_id VARCHAR(64),
            caller_kind VARCHAR(16) NOT NULL,
            caller_id VARCHAR(128),
            provider VARCHAR(32) NOT NULL,
            operation VARCHAR(64) NOT NULL,
            requested_model VARCHAR(256),
            answered_model VARCHAR(256),
            input_tokens BIGINT,
            output_tokens BIGINT,
            cached_input_tokens BIGINT,
            cache_write_tokens BIGINT,
            reasoning_tokens BIGINT,
            stream BOOLEAN NOT NULL,
            status INT NOT NULL,
            outcome VARCHAR(32) NOT NULL,
            latency_ms DOUBLE PRECISION NOT NULL,
            ttfb_ms DOUBLE PRECISION,
            cost_usd DECIMAL(24, 12),
            recorded_at BIGINT NOT NULL)""",
          // Every index costs each insert a B-tree update: only what the queries need. Time ranges and
          // the export's (time_ms, id) order; a key's calls over time. A proxy's calls are found
          // within a time range.
          "CREATE INDEX usage_records_time_id ON usage_records (time_ms, id)",
          "CREATE INDEX usage_records_caller ON usage_records (caller_kind, caller_id, time_ms)")),
      new Migration(2, "the limit rules that acted on a call", List.of(
          "ALTER TABLE usage_records ADD COLUMN limits VARCHAR(512)")),
      new Migration(3, "what the security policies did to a call", List.of(
          "ALTER TABLE usage_records ADD COLUMN policy VARCHAR(1024)")));

  private UsageMigrations() {}

  /** Brings the ledger's schema up to the latest version; answers the version it is at. */
  public static Future<Integer> migrate(Database db) {
    return new SchemaMigrations(db, "usage_schema_version", ALL).migrate();
  }
}
