package dev.portcullis.usage.limit;

import static dev.portcullis.usage.limit.TestRules.named;
import static dev.portcullis.usage.limit.TestRules.rule;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.database.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the limit store must do, run against embedded H2 and a real PostgreSQL by the subclasses. */
abstract class LimitStoreContract {

  private static final Instant CREATED = Instant.parse("2026-12-02T12:00:00Z");

  protected Vertx vertx;
  protected Database db;
  private Instant now = CREATED;
  private LimitStore store;

  /** A database without the limit tables. */
  protected abstract Database openEmptyDatabase(Vertx vertx) throws Exception;

  /** The same database again, after {@link #db} was closed. */
  protected abstract Database reopenDatabase(Vertx vertx) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    db = openEmptyDatabase(vertx);
    LimitMigrations.migrate(db).await();
    store = new LimitStore(db, clock());
  }

  @AfterEach
  void closeStore() {
    db.close().await();
    vertx.close().await();
  }

  /** The test's clock, which {@link #now} moves. */
  private Clock clock() {
    return new Clock() {
      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }

      @Override
      public Instant instant() {
        return now;
      }
    };
  }

  @Test
  void rulesAreCreatedReadReplacedAndDeletedAndEachChangeRaisesTheVersion() {
    assertThat(store.version().await()).isZero();
    LimitRule parsed = rule("{\"name\": \"team-a\", \"appliesTo\": {\"virtualKeyId\": \"vk-1\"},"
        + " \"models\": [\"openai:gpt-4o*\"], \"requestsPerMinute\": 60, \"spendUsd\": {\"amount\": 200,"
        + " \"window\": \"month\"}, \"mode\": \"soft\"}");
    LimitRule created = store.create(parsed).await();

    assertThat(created.id()).matches("lim_[A-Za-z0-9]{24}");
    assertThat(created.revision()).isEqualTo(1);
    assertThat(created.createdAt()).isEqualTo("2026-12-02T12:00:00.000Z").isEqualTo(created.updatedAt());
    assertThat(created).isEqualTo(parsed.stored(created.id(), 1, created.createdAt(), created.updatedAt()));
    assertThat(store.version().await()).isEqualTo(1);
    assertThat(store.get(created.id()).await()).isEqualTo(created);
    assertThat(store.list().await()).containsExactly(created);

    now = CREATED.plusMillis(1_500);
    LimitRule replacement = rule("{\"name\": \"team-a\", \"appliesTo\": {\"llmProxyId\": \"proxy-1\"},"
        + " \"tokensPerMinute\": 1000}");
    LimitRule replaced = store.replace(created.id(), replacement).await();
    assertThat(replaced.revision()).isEqualTo(2);
    assertThat(replaced.createdAt()).isEqualTo("2026-12-02T12:00:00.000Z");
    assertThat(replaced.updatedAt()).isEqualTo("2026-12-02T12:00:01.500Z");
    assertThat(replaced.appliesTo()).isEqualTo(new LimitRule.Subject(LimitRule.Subject.Kind.LLM_PROXY, "proxy-1"));
    assertThat(replaced.requestsPerMinute()).isNull();
    assertThat(store.get(created.id()).await()).isEqualTo(replaced);
    assertThat(store.version().await()).isEqualTo(2);

    assertThat(store.replace("lim_" + "x".repeat(24), replacement).await()).isNull();
    assertThat(store.version().await()).isEqualTo(2);

    assertThat(store.delete(created.id()).await()).isTrue();
    assertThat(store.version().await()).isEqualTo(3);
    assertThat(store.delete(created.id()).await()).isFalse();
    assertThat(store.get(created.id()).await()).isNull();
    assertThat(store.list().await()).isEmpty();
    assertThat(store.version().await()).isEqualTo(3);
  }

  @Test
  void namesAreUnique() {
    LimitRule a = store.create(named("a")).await();
    LimitRule b = store.create(named("b")).await();
    assertThatThrownBy(() -> store.create(named("a")).await()).isInstanceOf(LimitStore.NameTaken.class);
    assertThatThrownBy(() -> store.replace(b.id(), named("a")).await()).isInstanceOf(LimitStore.NameTaken.class);
    // Refused changes leave no trace, not even in the version.
    assertThat(store.version().await()).isEqualTo(2);
    assertThat(store.get(b.id()).await()).isEqualTo(b);
    // A rule keeps its own name across a replacement, and a name set free can be taken.
    assertThat(store.replace(a.id(), named("a")).await().revision()).isEqualTo(2);
    assertThat(store.delete(a.id()).await()).isTrue();
    assertThat(store.replace(b.id(), named("a")).await().name()).isEqualTo("a");
    assertThat(store.list().await()).extracting(LimitRule::name).containsExactly("a");
  }

  @Test
  void rulesAndTheVersionSurviveAReopen() throws Exception {
    LimitRule first = store.create(named("first")).await();
    now = CREATED.plusSeconds(1);
    LimitRule second = store.create(rule("{\"name\": \"second\", \"appliesTo\": {\"oauthClientId\": \"pc-oc-1\"},"
        + " \"concurrentStreams\": 3, \"spendUsd\": {\"amount\": 123456789.123456789, \"window\": \"PT6H\"}}")).await();
    store.delete(store.create(named("gone")).await().id()).await();

    db.close().await();
    db = reopenDatabase(vertx);
    assertThat(LimitMigrations.migrate(db).await()).isEqualTo(1);
    store = new LimitStore(db, clock());
    assertThat(store.version().await()).isEqualTo(4);
    assertThat(store.list().await()).containsExactly(first, second);
    LimitRule.Spend spend = store.get(second.id()).await().spendUsd();
    // Nine decimals of a billion dollars: read back exactly, never through a double.
    assertThat(spend.amount()).isEqualTo(new BigDecimal("123456789.123456789"));
    assertThat(spend.window()).isEqualTo(LimitWindow.parse("PT6H"));
    LimitStore.Snapshot snapshot = store.snapshot().await();
    assertThat(snapshot.version()).isEqualTo(4);
    assertThat(snapshot.rules()).containsExactly(first, second);
  }

  @Test
  void replacementsAtOnceEachGetARevision() {
    LimitRule rule = store.create(named("shared")).await();
    List<Future<LimitRule>> replacements = List.of(store.replace(rule.id(), named("shared")),
        store.replace(rule.id(), named("shared")), store.replace(rule.id(), named("shared")));
    Future.all(replacements).await();
    assertThat(replacements).extracting(replaced -> replaced.result().revision())
        .containsExactlyInAnyOrder(2L, 3L, 4L);
    assertThat(store.get(rule.id()).await().revision()).isEqualTo(4);
    assertThat(store.version().await()).isEqualTo(4);
  }

  @Test
  void aRowThisVersionCannotReadIsLeftOutNotFatal() {
    LimitRule kept = store.create(named("kept")).await();
    db.query("INSERT INTO limit_rules (id, name, rule_json, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        Tuple.of("lim_" + "u".repeat(24), "unreadable", "{\"name\": \"unreadable\", \"futureLimit\": 3}", 1L,
            "2026-12-02T12:00:00.000Z", "2026-12-02T12:00:00.000Z")).await();
    assertThat(store.list().await()).containsExactly(kept);
    assertThat(store.get("lim_" + "u".repeat(24)).await()).isNull();
  }
}
