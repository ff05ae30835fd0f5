package dev.portcullis.usage.limit;

import static dev.portcullis.usage.limit.TestRules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import dev.portcullis.database.Database;
import dev.portcullis.usage.store.UsageMigrations;
import dev.portcullis.usage.store.UsageStore;
import dev.portcullis.usage.store.UsageStore.AlsoInTransaction;
import dev.portcullis.usage.store.UsageStore.Priced;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the ledger holds of a spend rule's window, from records written as the ledger writes them
 * ({@link UsageStore}), on embedded H2 and a real PostgreSQL by the subclasses.
 */
abstract class LedgerSpendContract {

  private static final long NOW = Instant.parse("2026-12-15T10:30:00Z").toEpochMilli();
  private static final long MONTH = LimitWindow.Calendar.MONTH.bucketOf(NOW);
  private static final long DAY = LimitWindow.Calendar.DAY.bucketOf(NOW);

  protected Vertx vertx;
  protected Database db;
  private LedgerSpend spend;
  private final List<Priced> written = new ArrayList<>();

  /** A database without the ledger's tables. */
  protected abstract Database openEmptyDatabase(Vertx vertx) throws Exception;

  @BeforeEach
  void openLedger() throws Exception {
    vertx = Vertx.vertx();
    db = openEmptyDatabase(vertx);
    UsageMigrations.migrate(db).await();
    spend = new LedgerSpend(db, () -> NOW);
  }

  @AfterEach
  void closeLedger() {
    db.close().await();
    vertx.close().await();
  }

  /** One call to write: sensible defaults, changed by the fluent setters. */
  private final class Call {
    private final String id;
    private long timeMs = NOW - 60_000;
    private String proxy = "proxy-1";
    private CallerKind callerKind = CallerKind.VIRTUAL_KEY;
    private String callerId = "vk-1";
    private String provider = "openai";
    private String model = "gpt-4o";
    private String outcome = "completed";
    private BigDecimal cost = BigDecimal.ONE;

    Call(String id) {
      this.id = id;
    }

    Call at(String instant) {
      timeMs = Instant.parse(instant).toEpochMilli();
      return this;
    }

    Call atMs(long ms) {
      timeMs = ms;
      return this;
    }

    Call proxy(String id) {
      proxy = id;
      return this;
    }

    Call caller(CallerKind kind, String id) {
      callerKind = kind;
      callerId = id;
      return this;
    }

    Call model(String providerName, String requested) {
      provider = providerName;
      model = requested;
      return this;
    }

    Call outcome(String text) {
      outcome = text;
      return this;
    }

    Call cost(String usd) {
      cost = usd == null ? null : new BigDecimal(usd);
      return this;
    }

    Priced priced() {
      return new Priced(new UsageRecord(id, timeMs, proxy, callerKind, callerId, provider, "chat.completions", model,
          null, 10, 20, -1, -1, -1, false, 200, outcome, 100.0, null, null, null), cost);
    }
  }

  private Call call(String id) {
    return new Call(id);
  }

  private void write(Call... calls) {
    List<Priced> batch = new ArrayList<>();
    for (Call call : calls) {
      batch.add(call.priced());
    }
    written.addAll(batch);
    new UsageStore(db).insertNew(batch, AlsoInTransaction.NOTHING).await();
  }

  private static LimitRule spendRule(String appliesTo, String window) {
    return rule("{\"name\": \"r\", \"appliesTo\": " + appliesTo + ", \"spendUsd\": {\"amount\": 100, \"window\": \""
        + window + "\"}}").stored("lim_" + "r".repeat(24), 3, "2026-12-01T00:00:00.000Z", "2026-12-01T00:00:00.000Z");
  }

  private static LimitRule modelRule(String... globs) {
    return modelRuleOver("month", globs);
  }

  private static LimitRule modelRuleOver(String window, String... globs) {
    return rule(new JsonObject().put("name", "m").put("appliesTo", new JsonObject().put("organization", true))
        .put("models", new JsonArray(List.of((Object[]) globs)))
        .put("spendUsd", new JsonObject().put("amount", 100).put("window", window)).encode())
        .stored("lim_" + "m".repeat(24), 1, null, null);
  }

  private static long nano(String usd) {
    return LimitAmounts.nanoUsd(new BigDecimal(usd));
  }

  /** What the rule's month holds by Java's own reading of the rule over every record written. */
  private long coveredInJava(LimitRule rule) {
    return coveredInJava(rule, LimitWindow.Calendar.MONTH).values().stream().mapToLong(Long::longValue).sum();
  }

  /** What each bucket of the rule's window holds now, by Java's own reading of the rule over every record written. */
  private Map<Long, Long> coveredInJava(LimitRule rule, LimitWindow window) {
    long current = window.bucketOf(NOW);
    Map<Long, BigDecimal> usd = new java.util.TreeMap<>();
    for (Priced priced : written) {
      UsageRecord r = priced.record();
      long bucket = window.bucketOf(r.timeMillis());
      if (priced.costUsd() != null && !r.outcome().equals("limited") && bucket <= current
          && bucket > current - window.span() && rule.appliesTo().covers(r.callerKind(), r.callerId(), r.llmProxyId())
          && rule.coversModel(r.provider(), r.requestedModel())) {
        usd.merge(bucket, priced.costUsd(), BigDecimal::add);
      }
    }
    Map<Long, Long> nano = new java.util.TreeMap<>();
    usd.forEach((bucket, sum) -> nano.put(bucket, LimitAmounts.nanoUsd(sum)));
    return nano;
  }

  @Test
  void eachSubjectCoversItsOwnCallsInTheCalendarMonth() {
    write(call("vk1").cost("1.000000000001"),
        call("vk2").caller(CallerKind.VIRTUAL_KEY, "vk-2").cost("2"),
        // An OAuth client whose id is a virtual key's: the caller's kind tells them apart.
        call("oc1").caller(CallerKind.OAUTH_CLIENT, "vk-1").proxy("proxy-2").cost("4"),
        call("pass").caller(CallerKind.PASSTHROUGH, "0123456789abcdef").proxy("proxy-2").cost("8"),
        // Refused calls cost nothing whatever they say, unpriced ones add nothing.
        call("refused").outcome("limited").cost("16"),
        call("unpriced").cost(null),
        // The month's bounds: its first millisecond counts, the last one of the month before does not.
        call("before").at("2026-11-30T23:59:59.999Z").cost("32"),
        call("first").at("2026-12-01T00:00:00Z").cost("64"),
        call("next-month").at("2027-01-01T00:00:00Z").cost("128"));

    assertThat(spend.buckets(spendRule("{\"virtualKeyId\": \"vk-1\"}", "month")).await())
        .isEqualTo(Map.of(MONTH, nano("65.000000000001")));
    assertThat(spend.buckets(spendRule("{\"oauthClientId\": \"vk-1\"}", "month")).await())
        .isEqualTo(Map.of(MONTH, nano("4")));
    assertThat(spend.buckets(spendRule("{\"llmProxyId\": \"proxy-2\"}", "month")).await())
        .isEqualTo(Map.of(MONTH, nano("12")));
    assertThat(spend.buckets(spendRule("{\"organization\": true}", "month")).await())
        .isEqualTo(Map.of(MONTH, nano("79.000000000001")));
    assertThat(spend.buckets(spendRule("{\"virtualKeyId\": \"vk-none\"}", "month")).await()).isEmpty();
    assertThat(spend.total(spendRule("{\"organization\": true}", "month")).await()).isEqualTo(nano("79.000000000001"));
    // A fraction of a nano-dollar still counts.
    assertThat(nano("65.000000000001")).isEqualTo(65_000_000_001L);
  }

  @Test
  void aDayIsTheUtcDaySoFar() {
    write(call("yesterday").at("2026-12-14T23:59:59.999Z").cost("1"),
        call("midnight").at("2026-12-15T00:00:00Z").cost("2"),
        call("morning").at("2026-12-15T10:29:59Z").cost("4"));
    assertThat(spend.buckets(spendRule("{\"organization\": true}", "day")).await()).isEqualTo(Map.of(DAY, nano("6")));
  }

  @Test
  void aRollingWindowIsCutIntoItsBuckets() {
    LimitWindow.Rolling hour = (LimitWindow.Rolling) LimitWindow.parse("PT1H");
    long size = hour.bucketMillis();
    long current = hour.bucketOf(NOW);
    long oldest = current - hour.span() + 1;
    write(call("now").atMs(NOW).cost("1"),
        call("same-bucket").atMs(current * size).cost("2"),
        call("ten-ago").atMs(NOW - 10 * size).cost("4"),
        call("oldest").atMs(hour.bucketStart(oldest)).cost("8"),
        call("too-old").atMs(hour.bucketStart(oldest) - 1).cost("16"),
        call("future").atMs(hour.bucketStart(current + 1)).cost("32"),
        call("other-key").caller(CallerKind.VIRTUAL_KEY, "vk-2").atMs(NOW).cost("64"));
    assertThat(spend.buckets(spendRule("{\"virtualKeyId\": \"vk-1\"}", "PT1H")).await()).isEqualTo(Map.of(
        current, nano("3"), current - 10, nano("4"), oldest, nano("8")));

    // A long window: buckets of 6.1 days, the current one holding every call above (NOW lies 34.5
    // hours into it), the one a minute ahead included.
    LimitWindow.Rolling year = (LimitWindow.Rolling) LimitWindow.parse("P366D");
    assertThat(NOW - year.bucketStart(year.bucketOf(NOW))).isEqualTo(34 * 3_600_000L + 1_800_000L);
    assertThat(spend.buckets(spendRule("{\"virtualKeyId\": \"vk-1\"}", "P366D")).await()).isEqualTo(Map.of(
        year.bucketOf(NOW), nano("63")));
  }

  @Test
  void underscoresAndPercentsInModelNamesAreOnlyThemselves() {
    write(call("literal").model("openai", "ft:gpt_4o%acme").cost("1"),
        call("lookalike").model("openai", "ft:gptX4oYacme").cost("2"),
        call("prefix-only").model("openai", "ft:gpt_4o").cost("4"),
        call("bang").model("openai", "a!b").cost("8"),
        call("bang-lookalike").model("openai", "a!!b").cost("16"),
        call("backslash").model("openai", "x\\y").cost("32"),
        call("claude").model("anthropic", "claude-3").cost("64"),
        call("claude-long").model("anthropic", "claude-3-5").cost("128"),
        call("no-model").model("openai", null).cost("256"),
        call("other-provider").model("azure", "ft:gpt_4o%acme").cost("512"));

    assertThat(spend.total(modelRule("openai:ft:gpt_4o%*")).await()).isEqualTo(nano("1"));
    assertThat(spend.total(modelRule("openai:ft:gpt_4o%acme")).await()).isEqualTo(nano("1"));
    assertThat(spend.total(modelRule("openai:a!b")).await()).isEqualTo(nano("8"));
    assertThat(spend.total(modelRule("openai:x\\y")).await()).isEqualTo(nano("32"));
    assertThat(spend.total(modelRule("anthropic:claude-?")).await()).isEqualTo(nano("64"));
    assertThat(spend.total(modelRule("anthropic:*", "openai:ft:*")).await()).isEqualTo(nano("199"));
    // A call whose model is unknown is "openai:" to a glob, as the gateway matches it.
    assertThat(spend.total(modelRule("openai:*")).await()).isEqualTo(nano("319"));
    assertThat(spend.total(modelRule("*:ft:gpt?4o%acme")).await()).isEqualTo(nano("513"));

    // Whatever the glob, the database covers exactly what the rule itself covers.
    for (String glob : List.of("openai:ft:gpt_4o%*", "openai:ft:gpt?4o*", "openai:*!*", "openai:a!!b", "*:*", "?zure:*",
        "openai:ft:*acme", "anthropic:claude-3*", "openai:*%*", "openai:*_*", "openai:x\\y", "openai:x*")) {
      LimitRule rule = modelRule(glob);
      assertThat(spend.total(rule).await()).as(glob).isEqualTo(coveredInJava(rule));
    }
  }

  @Test
  void aRollingWindowOfBucketsThatAreNotWholeSecondsIsReadRecordByRecord() {
    // 90 seconds: buckets of 1.5 s, which the totals per second cannot be cut into.
    LimitWindow.Rolling window = (LimitWindow.Rolling) LimitWindow.parse("PT90S");
    assertThat(window.bucketMillis()).isEqualTo(1_500);
    List<Call> calls = new ArrayList<>();
    java.util.Random random = new java.util.Random(7);
    for (int i = 0; i < 400; i++) {
      calls.add(call("c" + i).atMs(NOW - 95_000 + random.nextInt(96_000)).cost(random.nextInt(5) == 0 ? null
          : "0.00000" + (1 + random.nextInt(9))).caller(CallerKind.VIRTUAL_KEY, "vk-" + random.nextInt(2))
          .outcome(random.nextInt(7) == 0 ? "limited" : "completed"));
    }
    write(calls.subList(0, 150).toArray(Call[]::new));
    write(calls.subList(150, 400).toArray(Call[]::new));
    LimitRule rule = spendRule("{\"virtualKeyId\": \"vk-1\"}", "PT90S");
    Map<Long, Long> expected = coveredInJava(rule, window);
    assertThat(expected).hasSizeGreaterThan(40);
    assertThat(spend.buckets(rule).await()).isEqualTo(expected);
  }

  @Test
  void everyWindowSumsWhatTheRuleCoversBucketByBucket() {
    // A minute: buckets of one second; an hour and a day: of a minute and 24 minutes.
    java.util.Random random = new java.util.Random(11);
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < 600; i++) {
      long ago = random.nextInt(3) == 0 ? random.nextInt(70_000) : random.nextInt(2 * 86_400_000);
      calls.add(call("c" + i).atMs(NOW - ago + 1_000).cost("0.000000" + (1 + random.nextInt(9)))
          .model("openai", random.nextBoolean() ? "gpt-4o" : "gpt-4o-mini"));
    }
    write(calls.toArray(Call[]::new));
    for (String window : List.of("PT1M", "PT1H", "P1D", "day", "month")) {
      LimitRule rule = modelRuleOver(window, "openai:gpt-4o");
      assertThat(spend.buckets(rule).await()).as(window).isEqualTo(coveredInJava(rule, LimitWindow.parse(window)));
    }
  }

  @Test
  void whatAnEarlierVersionStoredRecordByRecordCountsToo() {
    write(call("batched").cost("2"));
    db.query("INSERT INTO usage_records (id, time_ms, llm_proxy_id, caller_kind, caller_id, provider, operation,"
        + " requested_model, stream, status, outcome, latency_ms, cost_usd, recorded_at) VALUES ('old', ?, 'proxy-1',"
        + " 'virtual_key', 'vk-1', 'openai', 'chat.completions', 'gpt-4o', FALSE, 200, 'completed', 1, 1, 1)",
        io.vertx.sqlclient.Tuple.of(NOW - 120_000)).await();
    assertThat(spend.total(spendRule("{\"virtualKeyId\": \"vk-1\"}", "month")).await()).isEqualTo(nano("3"));
    assertThat(spend.total(spendRule("{\"virtualKeyId\": \"vk-1\"}", "PT90S")).await()).isEqualTo(nano("2"));
  }

  @Test
  void aRuleWithoutASpendLimitHasNoSpendToRead() {
    LimitRule requests = TestRules.named("requests-only");
    assertThatThrownBy(() -> spend.buckets(requests).await()).isInstanceOf(IllegalArgumentException.class);
  }
}
