package dev.portcullis.database;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Versioned schema migrations, recorded in a version table of their own per store. Each version
 * runs once, in one transaction together with its version row; the same SQL serves H2 and
 * PostgreSQL. When several instances start at once on one PostgreSQL, the loser of the race fails
 * on the version's primary key and simply finds the schema already there.
 *
 * <p>Never edit a released migration: add the next version.
 */
public final class SchemaMigrations {

  private static final Logger LOG = LoggerFactory.getLogger(SchemaMigrations.class);

  /** One version of a schema: its statements run in order, in one transaction. */
  public record Migration(int version, String description, List<String> statements) {}

  private final Database db;
  private final String versionTable;
  private final List<Migration> all;

  /** @param versionTable the table that records which versions of this store's schema ran */
  public SchemaMigrations(Database db, String versionTable, List<Migration> all) {
    this.db = db;
    this.versionTable = versionTable;
    this.all = List.copyOf(all);
  }

  /** Brings the schema up to the latest version; answers the version it is at. */
  public Future<Integer> migrate() {
    return db.inTransaction(conn -> db.update(conn, "CREATE TABLE IF NOT EXISTS " + versionTable + " ("
            + " version INT PRIMARY KEY,"
            + " description VARCHAR(200) NOT NULL,"
            + " applied_at BIGINT NOT NULL)"))
        .compose(ignored -> currentVersion())
        .compose(current -> applyFrom(current, 0));
  }

  private Future<Integer> currentVersion() {
    return db.query("SELECT MAX(version) FROM " + versionTable, Tuple.tuple())
        .map(rows -> {
          Row row = rows.iterator().next();
          Integer version = row.getInteger(0);
          return version == null ? 0 : version;
        });
  }

  private Future<Integer> applyFrom(int current, int index) {
    if (index == all.size()) {
      return Future.succeededFuture(current);
    }
    Migration migration = all.get(index);
    if (migration.version() <= current) {
      return applyFrom(current, index + 1);
    }
    return db.inTransaction(conn -> {
          Future<?> chain = Future.succeededFuture();
          for (String statement : migration.statements()) {
            chain = chain.compose(ignored -> db.update(conn, statement));
          }
          return chain.compose(ignored -> db.query(conn,
              "INSERT INTO " + versionTable + " (version, description, applied_at) VALUES (?, ?, ?)",
              Tuple.of(migration.version(), migration.description(), System.currentTimeMillis())));
        })
        .map(ignored -> {
          LOG.info("Applied migration {} of {} ({})", migration.version(), versionTable, migration.description());
          return migration.version();
        })
        // Another instance may have applied it meanwhile: trust the table, not our attempt.
        .recover(failure -> currentVersion().compose(now -> now >= migration.version()
            ? Future.succeededFuture(now) : Future.failedFuture(failure)))
        .compose(now -> applyFrom(now, index + 1));
  }
}
