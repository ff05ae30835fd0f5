package dev.portcullis.database;

import dev.portcullis.common.settings.SettingsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.core.net.ClientSSLOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.DatabaseException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.function.Function;

/**
 * One Vert.x SQL pool and the little that differs between its two databases: H2 (embedded, through
 * JDBC, whose statements run on worker threads) takes {@code ?} placeholders, PostgreSQL
 * {@code $1, $2, ...}. Statements are written once with {@code ?} and rewritten for PostgreSQL.
 */
public final class Database {

  public static final String DATABASE_URL_SETTING = "ARCHESTRA_DATABASE_URL";

  private final Pool pool;
  private final boolean postgres;

  private Database(Pool pool, boolean postgres) {
    this.pool = pool;
    this.postgres = postgres;
  }

  /** The embedded H2 database in file mode, kept in {@code dataDir/portcullis.mv.db}. */
  public static Database embedded(Vertx vertx, Path dataDir) {
    return embedded(vertx, dataDir, "portcullis");
  }

  /** An embedded H2 database in file mode, kept in {@code dataDir/<name>.mv.db}. */
  public static Database embedded(Vertx vertx, Path dataDir, String name) {
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(name);
    Pool pool = JDBCPool.pool(vertx, new JDBCConnectOptions().setJdbcUrl(url).setUser("sa").setPassword(""),
        new PoolOptions().setMaxSize(4));
    return new Database(pool, false);
  }

  /** PostgreSQL from a {@code postgres://user:pass@host:port/db} (or {@code postgresql://}) URL. */
  public static Database postgres(Vertx vertx, String databaseUrl) {
    if (!databaseUrl.startsWith("postgres://") && !databaseUrl.startsWith("postgresql://")) {
      throw new SettingsException(DATABASE_URL_SETTING, "expected a postgres:// or postgresql:// URL");
    }
    PgConnectOptions options;
    try {
      options = PgConnectOptions.fromUri(databaseUrl);
    } catch (RuntimeException e) {
      // The URL holds a password: say what is wrong without echoing it.
      throw new SettingsException(DATABASE_URL_SETTING, "not a valid PostgreSQL connection URL");
    }
    if (options.getSslMode() != null && options.getSslMode() != SslMode.DISABLE && options.getSslOptions() == null) {
      // The URL asks for TLS but carries no TLS options: Vert.x's client needs some (it fails with
      // a NullPointerException without them). The JDK's trusted authorities verify the server;
      // verify-full also checks its name.
      options.setSslOptions(new ClientSSLOptions().setHostnameVerificationAlgorithm(
          options.getSslMode() == SslMode.VERIFY_FULL ? "HTTPS" : ""));
    }
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(8)).connectingTo(options).using(vertx).build();
    return new Database(pool, true);
  }

  public boolean postgres() {
    return postgres;
  }

  public Future<RowSet<Row>> query(String sql, Tuple arguments) {
    if (!postgres) {
      // A JDBC connection that once ran a transaction goes back to the pool with auto-commit off,
      // so a plain write on it would never be committed: on H2 every statement runs in an
      // explicit transaction.
      return pool.withTransaction(conn -> query(conn, sql, arguments));
    }
    return query(pool, sql, arguments);
  }

  public Future<RowSet<Row>> query(SqlClient client, String sql, Tuple arguments) {
    return client.preparedQuery(dialect(sql)).execute(arguments);
  }

  public Future<RowSet<Row>> update(SqlClient client, String sql) {
    return client.query(sql).execute();
  }

  /**
   * Makes what has been committed survive a killed process. PostgreSQL's commits are durable
   * already; embedded H2 writes committed changes to its file only every 500 ms or so (it keeps
   * no redo log), so here it is asked to write and sync them now ({@code CHECKPOINT SYNC}).
   * Callers that acknowledge a write to someone who will then forget it (the usage ledger
   * confirming a journal's batch) call this before they answer.
   */
  public Future<Void> flushCommitted() {
    if (postgres) {
      return Future.succeededFuture();
    }
    return pool.query("CHECKPOINT SYNC").execute().mapEmpty();
  }

  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return pool.withTransaction(work);
  }

  public Future<Void> close() {
    return pool.close();
  }

  /** The statement for this database: {@code ?} placeholders become {@code $1, $2, ...} on PostgreSQL. */
  public String dialect(String sql) {
    if (!postgres) {
      return sql;
    }
    StringBuilder rewritten = new StringBuilder(sql.length() + 8);
    int index = 0;
    for (char c : sql.toCharArray()) {
      if (c == '?') {
        rewritten.append('$').append(++index);
      } else {
        rewritten.append(c);
      }
    }
    return rewritten.toString();
  }

  /** Whether a failure is a unique-constraint violation (SQLSTATE 23505) in either database. */
  public static boolean uniqueViolation(Throwable failure) {
    return "23505".equals(sqlState(failure));
  }

  /**
   * Whether a failure is a foreign-key violation in either database: SQLSTATE 23503 (H2 uses 23506
   * when the referenced parent row is missing).
   */
  public static boolean foreignKeyViolation(Throwable failure) {
    String state = sqlState(failure);
    return "23503".equals(state) || "23506".equals(state);
  }

  private static String sqlState(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof DatabaseException db && db.getSqlState() != null) {
        return db.getSqlState();
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
    }
    return null;
  }
}
