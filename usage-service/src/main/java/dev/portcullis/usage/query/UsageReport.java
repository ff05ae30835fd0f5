package dev.portcullis.usage.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.database.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Usage totals over a filter, optionally per group ({@link Grouping}): one aggregate query, its
 * groups sorted (time groups chronologically, others by label) and summed into the total. At most
 * {@code maxGroups} groups are read: a filter with more is refused, so {@code by=hour} over years
 * cannot fill memory.
 */
public final class UsageReport {

  /** The most groups one report answers. */
  public static final int MAX_GROUPS = 10_000;

  private final UsageSql sql;
  private final int maxGroups;

  public UsageReport(Database db) {
    this(db::query, MAX_GROUPS);
  }

  UsageReport(UsageSql sql, int maxGroups) {
    this.sql = sql;
    this.maxGroups = maxGroups;
  }

  /** One group's label and totals. */
  public record Group(String group, UsageTotals totals) {}

  /**
   * A report: its groups (empty when it was not grouped) and the total over the whole filter.
   *
   * @param by null when the report is not grouped
   */
  public record Result(Grouping by, List<Group> groups, UsageTotals total) {

    /**
     * {@code {"data":[{"group":"openai:gpt-4o-mini","calls":3,...}],"total":{"calls":3,...}}};
     * without a grouping only {@code {"total":{...}}}. Costs are plain decimal numbers.
     */
    public String toJson() {
      StringWriter out = new StringWriter();
      try (JsonGenerator json = JSON.createGenerator(out)) {
        json.writeStartObject();
        if (by != null) {
          json.writeArrayFieldStart("data");
          for (Group group : groups) {
            json.writeStartObject();
            json.writeStringField("group", group.group());
            group.totals().writeFields(json);
            json.writeEndObject();
          }
          json.writeEndArray();
        }
        json.writeObjectFieldStart("total");
        total.writeFields(json);
        json.writeEndObject();
        json.writeEndObject();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.toString();
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * The report over {@code filter}, grouped {@code by} (null: the total only). Fails with a
   * {@link UsageRequestException} when there are more than {@code maxGroups} groups, with a
   * {@link UsageStoreException} when the database fails.
   */
  public Future<Result> run(UsageFilter filter, Grouping by) {
    Tuple arguments = Tuple.tuple();
    String where = filter.where(arguments);
    StringBuilder statement = new StringBuilder("SELECT ");
    if (by != null) {
      statement.append(by.columns()).append(", ");
    }
    statement.append(UsageTotals.AGGREGATES).append(" FROM usage_records");
    if (!where.isEmpty()) {
      statement.append(" WHERE ").append(where);
    }
    if (by != null) {
      // One more than allowed tells "too many" from "just enough" without reading them all.
      statement.append(" GROUP BY ").append(by.columns()).append(" LIMIT ").append(maxGroups + 1);
    }
    return sql.query(statement.toString(), arguments)
        .recover(failure -> Future.failedFuture(new UsageStoreException(failure)))
        .map(rows -> {
          if (by == null) {
            return new Result(null, List.of(), UsageTotals.of(rows.iterator().next(), 0));
          }
          if (rows.size() > maxGroups) {
            throw new UsageRequestException("More than " + maxGroups + " groups by " + by.wire()
                + " match; narrow from and to, add a filter or group by something coarser", "by");
          }
          record Sorted(long bucket, Group group) {}
          List<Sorted> sorted = new ArrayList<>(rows.size());
          for (Row row : rows) {
            sorted.add(new Sorted(by.bucket(row), new Group(by.label(row), UsageTotals.of(row, by.width()))));
          }
          sorted.sort(Comparator.comparingLong(Sorted::bucket).thenComparing(s -> s.group().group()));
          List<Group> groups = new ArrayList<>(sorted.size());
          UsageTotals total = UsageTotals.ZERO;
          for (Sorted s : sorted) {
            groups.add(s.group());
            total = total.plus(s.group().totals());
          }
          return new Result(by, List.copyOf(groups), total);
        });
  }
}
