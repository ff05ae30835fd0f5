package dev.portcullis.usage.query;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.database.Database;
import dev.portcullis.usage.store.UsageRows;
import dev.portcullis.usage.store.UsageRows.Split;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * Usage totals over a filter, optionally per group ({@link Grouping}): one aggregate query (plus
 * the records of a partial second at the range's ends), its groups sorted (time groups chronologically, others by label) and summed into the total. At most
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
   *
   * <p>One aggregate query over {@link UsageRows} sums the whole seconds; the records of a
   * partial second at either end of the range are decoded from their batches and added.
   */
  public Future<Result> run(UsageFilter filter, Grouping by) {
    Split split = Split.of(filter.from() == null ? null : filter.from().toEpochMilli(),
        filter.to() == null ? null : filter.to().toEpochMilli());
    Tuple arguments = Tuple.tuple();
    String recordsWhere = filter.where(arguments);
    String totalsWhere = filter.between(split.wholeFrom(), split.wholeTo()).where(arguments);
    StringBuilder statement = new StringBuilder("SELECT ");
    if (by != null) {
      statement.append(by.columns()).append(", ");
    }
    statement.append(UsageRows.SUMS).append(" FROM ").append(UsageRows.from(recordsWhere, totalsWhere));
    if (by != null) {
      // One more than allowed tells "too many" from "just enough" without reading them all.
      statement.append(" GROUP BY ").append(by.columns()).append(" LIMIT ").append(maxGroups + 1);
    }
    Map<String, Sorted> groups = new HashMap<>();
    UsageTotals[] total = {UsageTotals.ZERO};
    return sql.query(statement.toString(), arguments)
        .compose(rows -> {
          if (by == null) {
            total[0] = UsageTotals.of(rows.iterator().next(), 0);
          } else {
            tooMany(rows.size(), by);
            for (Row row : rows) {
              String label = by.label(row);
              groups.merge(label, new Sorted(by.bucket(row), label, UsageTotals.of(row, by.width())), Sorted::plus);
            }
          }
          return split.forEachPartial(sql, stored -> {
            if (!filter.matches(stored.record())) {
              return;
            }
            UsageTotals one = UsageTotals.of(stored);
            if (by == null) {
              total[0] = total[0].plus(one);
            } else {
              String label = by.label(stored.record());
              groups.merge(label, new Sorted(by.bucket(stored.record()), label, one), Sorted::plus);
            }
          });
        })
        .recover(failure -> Future.failedFuture(failure instanceof UsageRequestException ? failure
            : new UsageStoreException(failure)))
        .map(read -> {
          if (by == null) {
            return new Result(null, List.of(), total[0]);
          }
          tooMany(groups.size(), by);
          List<Sorted> sorted = new ArrayList<>(groups.values());
          sorted.sort(Comparator.comparingLong(Sorted::bucket).thenComparing(Sorted::label));
          List<Group> answer = new ArrayList<>(sorted.size());
          UsageTotals sum = UsageTotals.ZERO;
          for (Sorted s : sorted) {
            answer.add(new Group(s.label(), s.totals()));
            sum = sum.plus(s.totals());
          }
          return new Result(by, List.copyOf(answer), sum);
        });
  }

  /** A group on its way into the report: where it sorts, its label, its totals so far. */
  private record Sorted(long bucket, String label, UsageTotals totals) {
    Sorted plus(Sorted more) {
      return new Sorted(bucket, label, totals.plus(more.totals()));
    }
  }

  private void tooMany(int groups, Grouping by) {
    if (groups > maxGroups) {
      throw new UsageRequestException("More than " + maxGroups + " groups by " + by.wire()
          + " match; narrow from and to, add a filter or group by something coarser", "by");
    }
  }
}
