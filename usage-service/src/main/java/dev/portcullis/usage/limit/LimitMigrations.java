package dev.portcullis.usage.limit;

import dev.portcullis.database.Database;
import dev.portcullis.database.SchemaMigrations;
import dev.portcullis.database.SchemaMigrations.Migration;
import io.vertx.core.Future;
import java.util.List;

/**
 * The schema of the limit rules, recorded in {@code limit_schema_version}, in the ledger's
 * database: the same SQL on H2 and PostgreSQL. A rule is kept as the JSON the admin API reads
 * ({@code LimitRuleParser}), without its stored identity, which has columns of its own; its
 * limits are many optional fields that only the parser need understand. Times are ISO-8601 UTC
 * with milliseconds, always the same length, so that they sort as text.
 *
 * <p>{@code limit_directory} holds one row: the directory's version, which every create, replace
 * and delete raises in its own transaction. Gateways ask for the rules again when it moves.
 *
 * <p>Never edit a released migration: add the next version.
 */
public final class LimitMigrations {

  static final List<Migration> ALL = List.of(
      new Migration(1, "limit rules", List.of(
          """
          CREATE TABLE limit_rules (
            id VARCHAR(32) PRIMARY KEY,
            name VARCHAR(128) NOT NULL,
            rule_json VARCHAR(65536) NOT NULL,
            revision BIGINT NOT NULL,
            created_at VARCHAR(32) NOT NULL,
            updated_at VARCHAR(32) NOT NULL,
            CONSTRAINT limit_rules_name UNIQUE (name))""",
          """
          CREATE TABLE limit_directory (
            id INT PRIMARY KEY,
            version BIGINT NOT NULL)""",
          "INSERT INTO limit_directory (id, version) VALUES (1, 0)")));

  private LimitMigrations() {}

  /** Brings the schema up to the latest version; answers the version it is at. */
  public static Future<Integer> migrate(Database db) {
    return new SchemaMigrations(db, "limit_schema_version", ALL).migrate();
  }
}
