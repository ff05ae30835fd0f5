package dev.portcullis.usage.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.database.Database;
import dev.portcullis.usage.store.UsageMigrations;
import dev.portcullis.usage.store.UsageStore;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records stored in batches report exactly as the same records stored a row each: thousands of
 * random calls, many in one second, asked random filters whose times fall anywhere within a
 * second, every grouping. The oracle is the report over {@code usage_records}, which the
 * report contract checks on its own.
 */
class BatchesReadAsRecordsTest extends LedgerTest {

  private static final long BASE = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
  private static final long SPAN = 3 * 86_400_000L;

  @TempDir
  Path dir;
  @TempDir
  Path rowsDir;

  @Override
  protected Database openDatabase(Vertx vertx) {
    return Database.embedded(vertx, dir, "usage");
  }

  @Override
  protected Storage storage() {
    return Storage.BATCHES;
  }

  private static <T> T pick(Random random, List<T> values) {
    return values.get(random.nextInt(values.size()));
  }

  private static List<Rec> calls(Random random, int count) {
    List<Rec> calls = new ArrayList<>(count);
    long time = BASE;
    for (int i = 0; i < count; i++) {
      // Bursts in one second, and gaps of up to an hour and a half.
      time += random.nextInt(4) == 0 ? random.nextInt(5_400_000) : random.nextInt(300);
      String[][] models = {{"gpt-4o", "gpt-4o-2024-08-06"}, {"gpt-4o-mini", null}, {null, "claude-x"}, {null, null}};
      String[] model = models[random.nextInt(models.length)];
      String[] caller = pick(random, List.of(new String[] {"virtual_key", "vk-1"}, new String[] {"virtual_key", "vk-2"},
          new String[] {"oauth_client", "vk-1"}, new String[] {"passthrough", "3f2a"}, new String[] {"none", null}));
      calls.add(rec("c" + i).atMs(BASE + Math.floorMod(time - BASE, SPAN)).proxy(pick(random, java.util.Arrays.asList("p-1", "p-2", null)))
          .caller(caller[0], caller[1]).provider(pick(random, List.of("openai", "anthropic"))).models(model[0], model[1])
          .tokens(random.nextInt(5) == 0 ? null : (long) random.nextInt(1000),
              random.nextInt(5) == 0 ? null : (long) random.nextInt(1000))
          .detail(random.nextBoolean() ? null : (long) random.nextInt(50), null, random.nextBoolean() ? null : 7L)
          .cost(random.nextInt(6) == 0 ? null : "0.0000" + random.nextInt(100_000))
          .outcome(pick(random, List.of("completed", "failed", "limited"))));
    }
    return calls;
  }

  private static String time(Random random) {
    return random.nextInt(6) == 0 ? null : Instant.ofEpochMilli(BASE - 1000 + (long) (random.nextDouble() * (SPAN + 2000)))
        .toString();
  }

  private static String query(Random random) {
    List<String> parts = new ArrayList<>();
    String from = time(random);
    String to = time(random);
    if (from != null && to != null && from.compareTo(to) > 0) {
      String swap = from;
      from = to;
      to = swap;
    }
    if (from != null && random.nextInt(8) > 0) {
      // Mostly narrow ranges, whose ends often share a second or two.
      to = Instant.parse(from).plusMillis(random.nextInt(4) == 0 ? random.nextInt(2_500) : random.nextInt(40_000_000))
          .toString();
    }
    add(parts, "from", from);
    add(parts, "to", to);
    add(parts, "llmProxyId", random.nextInt(4) == 0 ? pick(random, List.of("p-1", "p-2")) : null);
    add(parts, random.nextBoolean() ? "virtualKeyId" : "oauthClientId", random.nextInt(4) == 0 ? "vk-1" : null);
    add(parts, "provider", random.nextInt(4) == 0 ? pick(random, List.of("openai", "anthropic")) : null);
    add(parts, "model", random.nextInt(4) == 0 ? pick(random, List.of("gpt-4o-2024-08-06", "gpt-4o-mini", "claude-x"))
        : null);
    return String.join("&", parts);
  }

  private static void add(List<String> parts, String name, String value) {
    if (value != null) {
      parts.add(name + "=" + value);
    }
  }

  @Test
  void everyReportOverBatchesIsTheReportOverTheSameRecordsAsRows() {
    Random random = new Random(20261203);
    List<Rec> calls = calls(random, 6_000);
    insert(calls);
    Database rows = Database.embedded(vertx, rowsDir, "usage");
    try {
      UsageMigrations.migrate(rows).await();
      List<Tuple> tuples = calls.stream().map(Rec::tuple).toList();
      rows.inTransaction(conn -> conn.preparedQuery(INSERT).executeBatch(tuples)).await();

      UsageReport overBatches = new UsageReport(sql, UsageReport.MAX_GROUPS);
      UsageReport overRows = new UsageReport(rows::query, UsageReport.MAX_GROUPS);
      List<Grouping> groupings = new ArrayList<>(List.of(Grouping.values()));
      groupings.add(null);
      int partial = 0;
      for (int i = 0; i < 400; i++) {
        String query = query(random);
        UsageFilter filter = UsageFilter.from(RequestParameters.parse(query, UsageFilter.PARAMETERS));
        Grouping by = pick(random, groupings);
        int before = statements.size();
        String expected = overRows.run(filter, by).await().toJson();
        assertThat(overBatches.run(filter, by).await().toJson()).as(query + " by " + by).isEqualTo(expected);
        partial += statements.size() - before > 1 ? 1 : 0;
        // The test a decoded record meets is the condition a row meets.
        long matching = calls.stream().filter(call -> filter.matches(UsageStore.asStored(call.priced().record())))
            .count();
        assertThat(matching).as(query).isEqualTo(overRows.run(filter, null).await().total().calls());
      }
      // Most queries read a partial second from its batches, besides the sums.
      assertThat(partial).isGreaterThan(200);
    } finally {
      rows.close().await();
    }
  }
}
