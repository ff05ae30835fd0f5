package dev.portcullis.usage.limit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitRuleParser;
import dev.portcullis.database.Database;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limit rules in the ledger's database ({@link LimitMigrations}). Every change raises the
 * directory's version in the same transaction, so a version names one set of rules. A replaced
 * rule's revision grows by one in the statement that replaces it, so two administrators replacing
 * one rule at once get two revisions, never one revision with two meanings.
 */
public final class LimitStore {

  /** Ids are {@code lim_} and 24 base62 characters (about 143 random bits). */
  static final String ID_PREFIX = "lim_";
  static final int ID_RANDOM_CHARS = 24;

  private static final Logger LOG = LoggerFactory.getLogger(LimitStore.class);
  /** Fixed width, so that times sort as text. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
  /** Spend amounts have up to 9 decimals: read them exactly, never through a double. */
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  private static final String COLUMNS = "SELECT id, rule_json, revision, created_at, updated_at FROM limit_rules";

  private final Database db;
  private final Clock clock;

  public LimitStore(Database db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  /** Every rule, and the directory version they are at. */
  public record Snapshot(long version, List<LimitRule> rules) {}

  /** A rule by that name exists already. */
  public static final class NameTaken extends RuntimeException {

    NameTaken() {
      super("Another limit rule has this name; names are unique", null, false, false);
    }
  }

  /**
   * Stores a new rule (as {@code LimitRuleParser} read it): a fresh id, revision 1.
   *
   * @return the rule as stored; fails with {@link NameTaken} when the name is in use
   */
  public Future<LimitRule> create(LimitRule parsed) {
    String now = now();
    LimitRule stored = parsed.stored(ID_PREFIX + RandomTokens.base62(ID_RANDOM_CHARS), 1, now, now);
    return db.inTransaction(conn -> db.query(conn, "INSERT INTO limit_rules (id, name, rule_json, revision,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            Tuple.of(stored.id(), stored.name(), ruleJson(stored), stored.revision(), now, now))
        .compose(inserted -> raiseVersion(conn)))
        .recover(failure -> Future.failedFuture(Database.uniqueViolation(failure) ? new NameTaken()
            : failure))
        .map(stored);
  }

  /** Every rule, oldest first. */
  public Future<List<LimitRule>> list() {
    return db.query(COLUMNS + " ORDER BY created_at, id", Tuple.tuple()).map(LimitStore::rules);
  }

  /** The rule, or null when there is none by that id. */
  public Future<LimitRule> get(String id) {
    return db.query(COLUMNS + " WHERE id = ?", Tuple.of(id)).map(rows -> {
      List<LimitRule> rules = rules(rows);
      return rules.isEmpty() ? null : rules.get(0);
    });
  }

  /**
   * Replaces a rule whole, keeping its id and creation time: its revision grows by one.
   *
   * @return the rule as stored, or null when there is none by that id; fails with
   *         {@link NameTaken} when another rule has the name
   */
  public Future<LimitRule> replace(String id, LimitRule parsed) {
    String now = now();
    String json = ruleJson(parsed);
    return db.inTransaction(conn -> db.query(conn, "UPDATE limit_rules SET name = ?, rule_json = ?,"
                + " revision = revision + 1, updated_at = ? WHERE id = ?", Tuple.of(parsed.name(), json, now, id))
            .compose(updated -> {
              if (updated.rowCount() == 0) {
                return Future.succeededFuture((LimitRule) null);
              }
              return db.query(conn, "SELECT revision, created_at FROM limit_rules WHERE id = ?", Tuple.of(id))
                  .compose(rows -> {
                    Row row = rows.iterator().next();
                    LimitRule stored = parsed.stored(id, row.getLong(0), row.getString(1), now);
                    return raiseVersion(conn).map(stored);
                  });
            }))
        .recover(failure -> Future.failedFuture(Database.uniqueViolation(failure) ? new NameTaken()
            : failure));
  }

  /** Removes a rule; answers whether there was one. */
  public Future<Boolean> delete(String id) {
    return db.inTransaction(conn -> db.query(conn, "DELETE FROM limit_rules WHERE id = ?", Tuple.of(id))
        .compose(deleted -> deleted.rowCount() == 0 ? Future.succeededFuture(false)
            : raiseVersion(conn).map(true)));
  }

  /** The directory's version: 0 before the first change, one more after each. */
  public Future<Long> version() {
    return db.query("SELECT version FROM limit_directory WHERE id = 1", Tuple.tuple()).map(LimitStore::version);
  }

  /**
   * Every rule with the directory's version. The version is read first: the rules read after it
   * are at least that version's (a change committed in between may show up in them, never one
   * missing), and the change's own announcement then brings its version.
   */
  public Future<Snapshot> snapshot() {
    return db.inTransaction(conn -> versionOf(conn).compose(version ->
        db.query(conn, COLUMNS + " ORDER BY created_at, id", Tuple.tuple())
            .map(rows -> new Snapshot(version, rules(rows)))));
  }

  private Future<Long> versionOf(SqlClient conn) {
    return db.query(conn, "SELECT version FROM limit_directory WHERE id = 1", Tuple.tuple()).map(LimitStore::version);
  }

  /** Raises the version in the change's transaction: the row lock also orders concurrent changes. */
  private Future<Long> raiseVersion(SqlClient conn) {
    return db.query(conn, "UPDATE limit_directory SET version = version + 1 WHERE id = 1", Tuple.tuple())
        .compose(raised -> versionOf(conn));
  }

  private static long version(RowSet<Row> rows) {
    return rows.iterator().next().getLong(0);
  }

  private String now() {
    return TIME.format(clock.instant());
  }

  /** The rule's JSON without its stored identity, which the columns hold. */
  private static String ruleJson(LimitRule rule) {
    JsonObject json = rule.toJson();
    json.remove("id");
    json.remove("revision");
    json.remove("createdAt");
    json.remove("updatedAt");
    return json.encode();
  }

  private static List<LimitRule> rules(RowSet<Row> rows) {
    List<LimitRule> rules = new ArrayList<>(rows.size());
    for (Row row : rows) {
      LimitRule rule = rule(row);
      if (rule != null) {
        rules.add(rule);
      }
    }
    return rules;
  }

  /** A row as a rule; one this version cannot read is left out (and said), never guessed at. */
  @SuppressWarnings("unchecked")
  private static LimitRule rule(Row row) {
    String id = row.getString(0);
    try {
      JsonObject json = new JsonObject(JSON.readValue(row.getString(1), Map.class));
      return LimitRuleParser.parse(json).stored(id, row.getLong(2), row.getString(3), row.getString(4));
    } catch (Exception e) {
      LOG.error("The limit rule {} cannot be read and is not enforced: {}", id, e.getMessage());
      return null;
    }
  }
}
