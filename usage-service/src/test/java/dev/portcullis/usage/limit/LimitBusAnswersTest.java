package dev.portcullis.usage.limit;

import static dev.portcullis.usage.limit.TestRules.named;
import static dev.portcullis.usage.limit.TestRules.rule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
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
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateways' questions about limits, asked over the event bus as a gateway asks them. */
class LimitBusAnswersTest {

  private static final long NOW = Instant.parse("2026-12-15T10:30:00Z").toEpochMilli();

  @TempDir
  Path dir;

  private Vertx vertx;
  private Database db;
  private LimitStore store;
  private LimitDirectory directory;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    db = Database.embedded(vertx, dir, "usage");
    UsageMigrations.migrate(db).await();
    LimitMigrations.migrate(db).await();
    store = new LimitStore(db, Clock.systemUTC());
    directory = LimitDirectory.open(vertx, store).await();
    vertx.eventBus().consumer(Addresses.LIMITS_RULES, new LimitRulesAnswer(directory)).completion().await();
    vertx.eventBus().consumer(Addresses.LIMITS_SPENT, new SpendSeedAnswer(directory, new LedgerSpend(db, () -> NOW)))
        .completion().await();
  }

  @AfterEach
  void stop() {
    directory.close().await();
    db.close().await();
    vertx.close().await();
  }

  private JsonObject ask(String address, Object body) {
    return (JsonObject) vertx.eventBus().request(address, body).await().body();
  }

  private static int failureCode(Runnable asking) {
    try {
      asking.run();
    } catch (ReplyException refused) {
      return refused.failureCode();
    }
    throw new AssertionError("answered instead of failing");
  }

  private LimitRule create(LimitRule rule) {
    LimitRule stored = store.create(rule).await();
    directory.changed().await();
    return stored;
  }

  @Test
  void theRulesComeWithTheirVersionOrOnlyTheVersionWhenTheAskerHasIt() {
    assertThat(ask(Addresses.LIMITS_RULES, new JsonObject())).isEqualTo(new JsonObject().put("version", 0)
        .put("rules", new JsonArray()));
    LimitRule a = create(named("a"));
    LimitRule b = create(rule("{\"name\": \"b\", \"appliesTo\": {\"llmProxyId\": \"proxy-1\"}, \"spendUsd\":"
        + " {\"amount\": 0.5, \"window\": \"day\"}, \"mode\": \"soft\"}"));

    JsonObject all = ask(Addresses.LIMITS_RULES, new JsonObject());
    assertThat(all.getLong("version")).isEqualTo(2);
    assertThat(all.getJsonArray("rules")).containsExactly(a.toJson(), b.toJson());
    assertThat(all.getJsonArray("rules").stream().map(json -> LimitRule.fromJson((JsonObject) json)).toList())
        .containsExactly(a, b);
    assertThat(ask(Addresses.LIMITS_RULES, new JsonObject().put("since", 2))).isEqualTo(new JsonObject()
        .put("version", 2));
    assertThat(ask(Addresses.LIMITS_RULES, new JsonObject().put("since", 1L)).getJsonArray("rules")).hasSize(2);
    assertThat(ask(Addresses.LIMITS_RULES, new JsonObject().put("since", 99)).getJsonArray("rules")).hasSize(2);
    assertThat(ask(Addresses.LIMITS_RULES, null).getJsonArray("rules")).hasSize(2);

    assertThat(failureCode(() -> ask(Addresses.LIMITS_RULES, "since 2"))).isEqualTo(400);
    assertThat(failureCode(() -> ask(Addresses.LIMITS_RULES, new JsonObject().put("since", "2")))).isEqualTo(400);
    assertThat(failureCode(() -> ask(Addresses.LIMITS_RULES, new JsonObject().put("since", 1.5)))).isEqualTo(400);
  }

  @Test
  void theRulesAreAnsweredFromMemoryAndReadAgainWhenAnotherLedgerAnnouncesANewerVersion() throws Exception {
    create(named("a"));
    // Another ledger on the same database changes a rule and announces it.
    LimitRule other = store.create(named("b")).await();
    assertThat(ask(Addresses.LIMITS_RULES, new JsonObject()).getLong("version")).isEqualTo(1);
    // An old announcement changes nothing.
    vertx.eventBus().publish(Addresses.LIMITS_EVENTS, new JsonObject().put("version", 1));
    Thread.sleep(100);
    assertThat(directory.current().version()).isEqualTo(1);
    vertx.eventBus().publish(Addresses.LIMITS_EVENTS, new JsonObject().put("version", 2));
    long deadline = System.currentTimeMillis() + 5_000;
    while (directory.current().version() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(directory.current().rule(other.id())).isEqualTo(other);

    // With the database gone, the rules are still answered.
    db.close().await();
    JsonObject answer = ask(Addresses.LIMITS_RULES, new JsonObject().put("since", 1));
    assertThat(answer.getLong("version")).isEqualTo(2);
    assertThat(answer.getJsonArray("rules")).hasSize(2);
    db = Database.embedded(vertx, dir, "usage");
  }

  @Test
  void aSpendRuleIsAnsweredWithItsWindowsBucketsAndItsRevision() {
    LimitRule month = create(rule("{\"name\": \"month\", \"appliesTo\": {\"virtualKeyId\": \"vk-1\"}, \"spendUsd\":"
        + " {\"amount\": 100, \"window\": \"month\"}}"));
    LimitRule rolling = create(rule("{\"name\": \"rolling\", \"appliesTo\": {\"organization\": true}, \"spendUsd\":"
        + " {\"amount\": 100, \"window\": \"PT1H\"}}"));
    LimitRule requests = create(named("requests"));
    write(call("a", NOW - 30_000, "0.000000000001"), call("b", NOW - 30 * 60_000, "2.5"),
        call("c", NOW - 2 * 3_600_000, "4"));

    long monthBucket = LimitWindow.Calendar.MONTH.bucketOf(NOW);
    assertThat(ask(Addresses.LIMITS_SPENT, new JsonObject().put("ruleId", month.id()))).isEqualTo(new JsonObject()
        .put("revision", 1).put("buckets", new JsonObject().put(Long.toString(monthBucket),
            LimitAmounts.nanoUsd(new BigDecimal("6.500000000001")))));
    LimitWindow hour = rolling.spendUsd().window();
    assertThat(ask(Addresses.LIMITS_SPENT, new JsonObject().put("ruleId", rolling.id()))).isEqualTo(new JsonObject()
        .put("revision", 1).put("buckets", new JsonObject()
            .put(Long.toString(hour.bucketOf(NOW - 30 * 60_000)), 2_500_000_000L)
            .put(Long.toString(hour.bucketOf(NOW - 30_000)), 1L)));

    // A replaced rule answers with its new revision: the gateway's counter of the old one is not seeded with it.
    store.replace(month.id(), rule("{\"name\": \"month\", \"appliesTo\": {\"virtualKeyId\": \"vk-2\"}, \"spendUsd\":"
        + " {\"amount\": 100, \"window\": \"month\"}}")).await();
    directory.changed().await();
    assertThat(ask(Addresses.LIMITS_SPENT, new JsonObject().put("ruleId", month.id()))).isEqualTo(new JsonObject()
        .put("revision", 2).put("buckets", new JsonObject()));

    assertThat(failureCode(() -> ask(Addresses.LIMITS_SPENT, new JsonObject().put("ruleId", "lim_nope"))))
        .isEqualTo(404);
    assertThat(failureCode(() -> ask(Addresses.LIMITS_SPENT, new JsonObject().put("ruleId", requests.id()))))
        .isEqualTo(404);
    assertThat(failureCode(() -> ask(Addresses.LIMITS_SPENT, new JsonObject()))).isEqualTo(400);
    assertThat(failureCode(() -> ask(Addresses.LIMITS_SPENT, month.id()))).isEqualTo(400);

    db.close().await();
    assertThat(failureCode(() -> ask(Addresses.LIMITS_SPENT, new JsonObject().put("ruleId", rolling.id()))))
        .isEqualTo(503);
    db = Database.embedded(vertx, dir, "usage");
  }

  private static Priced call(String id, long timeMs, String costUsd) {
    return new Priced(new UsageRecord(id, timeMs, "proxy-1", CallerKind.VIRTUAL_KEY, "vk-1", "openai",
        "chat.completions", "gpt-4o", "gpt-4o", 10, 20, -1, -1, -1, false, 200, "completed", 100.0, null, null),
        new BigDecimal(costUsd));
  }

  private void write(Priced... calls) {
    new UsageStore(db).insertNew(List.of(calls), AlsoInTransaction.NOTHING).await();
  }
}
