package dev.portcullis.usage.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.limit.LimitMetric;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.common.limit.LocalLimitCounters;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import dev.portcullis.database.Database;
import dev.portcullis.usage.store.UsageMigrations;
import dev.portcullis.usage.store.UsageStore;
import dev.portcullis.usage.store.UsageStore.AlsoInTransaction;
import dev.portcullis.usage.store.UsageStore.Priced;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The limit calls on a real HTTP server, mounted as the admin API would mount them (the body read
 * before routing; here by vertx-web's BodyHandler), called as an operator's script would call them.
 */
class LimitAdminRoutesTest {

  private static final String BASE = "/api/admin";
  private static final long NOW = Instant.parse("2026-12-15T10:30:00Z").toEpochMilli();
  private static final String TEAM = "{\"name\": \"team-a\", \"appliesTo\": {\"virtualKeyId\": \"vk-1\"},"
      + " \"requestsPerMinute\": 60, \"spendUsd\": {\"amount\": 200, \"window\": \"month\"}}";

  @TempDir
  Path dir;

  private Vertx vertx;
  private Database db;
  private LimitDirectory directory;
  private LocalLimitCounters counters;
  private HttpServer server;
  private final List<Long> announced = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  record Answer(int status, String contentType, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    JsonObject error() {
      return json().getJsonObject("error");
    }
  }

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    db = Database.embedded(vertx, dir, "usage");
    UsageMigrations.migrate(db).await();
    LimitMigrations.migrate(db).await();
    LimitStore store = new LimitStore(db, Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC));
    directory = LimitDirectory.open(vertx, store).await();
    counters = new LocalLimitCounters(() -> NOW);
    vertx.eventBus().<JsonObject>consumer(Addresses.LIMITS_EVENTS,
        message -> announced.add(message.body().getLong("version"))).completion().await();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    new LimitAdminRoutes(store, directory, counters, new LedgerSpend(db, () -> NOW), ctx -> ctx.body().buffer(),
        new AuthSubjects(vertx))
        .mount(router, BASE);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    server.close().await();
    directory.close().await();
    db.close().await();
    vertx.close().await();
  }

  private Answer call(String method, String target, HttpRequest.BodyPublisher body) {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + target))
        .timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/json")
        .method(method, body)
        .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null),
          response.body());
    } catch (IOException | InterruptedException e) {
      throw new AssertionError(method + " " + target + " failed", e);
    }
  }

  private Answer call(String method, String target, String body) {
    return call(method, target, body == null ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body));
  }

  private Answer get(String target) {
    return call("GET", target, (String) null);
  }

  private Answer post(String body) {
    return call("POST", BASE + "/limits", body);
  }

  private void assertRefused(Answer answer, int status, String field) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.contentType()).isEqualTo("application/json");
    assertThat(answer.error().getString("message")).isNotBlank();
    assertThat(answer.error().getString("field")).as(answer.body()).isEqualTo(field);
  }

  /** Waits for the announcements the changes so far made (published: they arrive a moment later). */
  private List<Long> announcements(int expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    while (announced.size() < expected && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    return List.copyOf(announced);
  }

  @Test
  void aRuleIsCreatedListedReadReplacedAndDeletedAndEachChangeIsAnnounced() throws Exception {
    Answer created = post(TEAM);
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    assertThat(created.contentType()).isEqualTo("application/json");
    // Amounts in plain digits, never 2E+2.
    assertThat(created.body()).contains("\"spendUsd\":{\"amount\":200,\"window\":\"month\"}");
    JsonObject rule = created.json();
    String id = rule.getString("id");
    assertThat(id).matches("lim_[A-Za-z0-9]{24}");
    assertThat(rule.getLong("revision")).isEqualTo(1);
    assertThat(rule.getString("createdAt")).isEqualTo("2026-12-15T10:30:00.000Z");
    assertThat(rule.getString("mode")).isEqualTo("hard");
    assertThat(rule.getJsonObject("appliesTo")).isEqualTo(new JsonObject().put("virtualKeyId", "vk-1"));
    assertThat(rule.containsKey("models")).isTrue();
    assertThat(rule.getValue("models")).isNull();
    assertThat(announcements(1)).containsExactly(1L);
    assertThat(directory.current().version()).isEqualTo(1);
    assertThat(directory.current().rule(id).requestsPerMinute()).isEqualTo(60);

    assertThat(get(BASE + "/limits").json()).isEqualTo(new JsonObject().put("data", new JsonArray().add(rule)));
    assertThat(get(BASE + "/limits/" + id).json()).isEqualTo(rule);

    Answer replaced = call("PUT", BASE + "/limits/" + id, "{\"name\": \"team-a\", \"appliesTo\": {\"virtualKeyId\":"
        + " \"vk-1\"}, \"models\": [\"openai:*\"], \"tokensPerMinute\": 5000, \"mode\": \"soft\"}");
    assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
    assertThat(replaced.json().getLong("revision")).isEqualTo(2);
    assertThat(replaced.json().getValue("requestsPerMinute")).isNull();
    assertThat(replaced.json().getString("mode")).isEqualTo("soft");
    assertThat(get(BASE + "/limits/" + id).json()).isEqualTo(replaced.json());
    assertThat(announcements(2)).containsExactly(1L, 2L);
    assertThat(directory.current().rule(id).revision()).isEqualTo(2);

    Answer deleted = call("DELETE", BASE + "/limits/" + id, (String) null);
    assertThat(deleted.status()).isEqualTo(204);
    assertThat(deleted.body()).isEmpty();
    assertThat(announcements(3)).containsExactly(1L, 2L, 3L);
    assertThat(directory.current().rule(id)).isNull();
    assertRefused(get(BASE + "/limits/" + id), 404, null);
    assertRefused(call("DELETE", BASE + "/limits/" + id, (String) null), 404, null);
    assertRefused(call("PUT", BASE + "/limits/" + id, TEAM), 404, null);
    assertThat(get(BASE + "/limits").json()).isEqualTo(new JsonObject().put("data", new JsonArray()));
    Thread.sleep(100);
    assertThat(announced).containsExactly(1L, 2L, 3L);
  }

  @Test
  void namesAreUnique() throws Exception {
    assertThat(post(TEAM).status()).isEqualTo(201);
    assertRefused(post(TEAM), 409, "name");
    String other = post(TEAM.replace("team-a", "team-b")).json().getString("id");
    assertRefused(call("PUT", BASE + "/limits/" + other, TEAM), 409, "name");
    assertThat(get(BASE + "/limits/" + other).json().getString("name")).isEqualTo("team-b");
    assertThat(announcements(2)).containsExactly(1L, 2L);
  }

  @Test
  void rulesTheParserRefusesAreA400NamingTheField() throws Exception {
    String ok = "\"name\": \"n\", \"appliesTo\": {\"organization\": true}";
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": \"60\"}"), 400, "requestsPerMinute");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1.5}"), 400, "requestsPerMinute");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": -1}"), 400, "requestsPerMinute");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 0}"), 400, "requestsPerMinute");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1e400}"), 400, "requestsPerMinute");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 99999999999999999999999999}"), 400, "requestsPerMinute");
    assertRefused(post("{" + ok + ", \"tokensPerMinute\": true}"), 400, "tokensPerMinute");
    assertRefused(post("{" + ok + ", \"concurrentStreams\": [1]}"), 400, "concurrentStreams");
    assertRefused(post("{" + ok + ", \"spendUsd\": {\"amount\": -5, \"window\": \"day\"}}"), 400, "spendUsd.amount");
    assertRefused(post("{" + ok + ", \"spendUsd\": {\"amount\": 0.0000000001, \"window\": \"day\"}}"), 400,
        "spendUsd.amount");
    assertRefused(post("{" + ok + ", \"spendUsd\": {\"amount\": 5, \"window\": \"week\"}}"), 400, "spendUsd.window");
    assertRefused(post("{" + ok + ", \"spendUsd\": {\"amount\": 5, \"window\": \"PT1S\"}}"), 400, "spendUsd.window");
    assertRefused(post("{" + ok + ", \"spendUsd\": {\"amount\": 5, \"window\": \"day\", \"currency\": \"EUR\"}}"),
        400, "spendUsd.currency");
    assertRefused(post("{" + ok + ", \"spendUsd\": 5}"), 400, "spendUsd");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1, \"mode\": \"strict\"}"), 400, "mode");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1, \"models\": []}"), 400, "models");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1, \"models\": [\"gpt-4o\"]}"), 400, "models[0]");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1, \"models\": [\"openai:*\", 7]}"), 400, "models[1]");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1, \"color\": \"red\"}"), 400, "color");
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": 1, \"" + "x".repeat(5_000) + "\": 1}"), 400,
        "x".repeat(64) + "...");
    // No limit at all.
    assertRefused(post("{" + ok + "}"), 400, null);
    assertRefused(post("{" + ok + ", \"requestsPerMinute\": null}"), 400, null);
    // Whom it applies to.
    assertRefused(post("{\"name\": \"n\", \"requestsPerMinute\": 1}"), 400, "appliesTo");
    assertRefused(post("{\"name\": \"n\", \"appliesTo\": {\"virtualKeyId\": \"a\", \"llmProxyId\": \"b\"},"
        + " \"requestsPerMinute\": 1}"), 400, "appliesTo");
    assertRefused(post("{\"name\": \"n\", \"appliesTo\": {\"organization\": false}, \"requestsPerMinute\": 1}"), 400,
        "appliesTo.organization");
    assertRefused(post("{\"name\": \"n\", \"appliesTo\": {\"team\": \"t\"}, \"requestsPerMinute\": 1}"), 400,
        "appliesTo.team");
    assertRefused(post("{\"name\": \"n\", \"appliesTo\": {\"virtualKeyId\": \"" + "k".repeat(200)
        + "\"}, \"requestsPerMinute\": 1}"), 400, "appliesTo.virtualKeyId");
    // Names: missing, empty, huge, with control characters.
    assertRefused(post("{\"appliesTo\": {\"organization\": true}, \"requestsPerMinute\": 1}"), 400, "name");
    assertRefused(post("{\"name\": \" \", \"appliesTo\": {\"organization\": true}, \"requestsPerMinute\": 1}"), 400,
        "name");
    assertRefused(post("{\"name\": \"" + "n".repeat(40_000) + "\", \"appliesTo\": {\"organization\": true},"
        + " \"requestsPerMinute\": 1}"), 400, "name");
    assertRefused(post("{\"name\": \"a\\nb\", \"appliesTo\": {\"organization\": true}, \"requestsPerMinute\": 1}"),
        400, "name");
    assertRefused(post("{\"name\": 7, \"appliesTo\": {\"organization\": true}, \"requestsPerMinute\": 1}"), 400,
        "name");
    assertNothingStored();
  }

  @Test
  void bodiesThatAreNoJsonObjectAreA400() throws Exception {
    for (String junk : new String[] {"", "{", "[]", "42", "\"text\"", "null", "true", "not json at all",
        "{\"name\": \"n\"} trailing", "{\"name\": \"a\", \"name\": \"b\", \"appliesTo\": {\"organization\": true},"
        + " \"requestsPerMinute\": 1}", "{'name': 'n'}", "{\"requestsPerMinute\": NaN}", "[".repeat(500)
        + "]".repeat(500)}) {
      assertRefused(post(junk), 400, null);
    }
    // Not UTF-8: a lone continuation byte, a cut sequence, an encoded surrogate half, an overlong
    // slash and bytes UTF-8 never uses, inside a string.
    byte[] head = "{\"name\": \"".getBytes(StandardCharsets.US_ASCII);
    byte[] tail = "\", \"appliesTo\": {\"organization\": true}, \"requestsPerMinute\": 1}".getBytes(
        StandardCharsets.US_ASCII);
    for (byte[] bad : new byte[][] {{(byte) 0x80}, {(byte) 0xC3}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xFF, (byte) 0xFE}}) {
      byte[] body = new byte[head.length + bad.length + tail.length];
      System.arraycopy(head, 0, body, 0, head.length);
      System.arraycopy(bad, 0, body, head.length, bad.length);
      System.arraycopy(tail, 0, body, head.length + bad.length, tail.length);
      assertRefused(call("POST", BASE + "/limits", HttpRequest.BodyPublishers.ofByteArray(body)), 400, null);
    }
    // Within the caller's body limit but over ours.
    assertRefused(post("{\"name\": \"" + "n".repeat(LimitAdminRoutes.BODY_LIMIT) + "\"}"), 413, null);
    // A PUT reads its body the same way, and an unknown id is only looked up with a valid body.
    String id = post(TEAM).json().getString("id");
    assertRefused(call("PUT", BASE + "/limits/" + id, "[]"), 400, null);
    assertRefused(call("PUT", BASE + "/limits/" + id, "{\"name\": \"team-a\"}"), 400, "appliesTo");
    assertThat(get(BASE + "/limits/" + id).json().getLong("revision")).isEqualTo(1);
  }

  @Test
  void unknownIdsAndQueriesAreRefused() throws Exception {
    assertRefused(get(BASE + "/limits/nope"), 404, null);
    assertRefused(get(BASE + "/limits/lim_" + "a".repeat(24)), 404, null);
    assertRefused(get(BASE + "/limits/lim_" + "a".repeat(24) + "/status"), 404, null);
    assertRefused(get(BASE + "/limits/" + "x".repeat(2_000)), 404, null);
    assertRefused(get(BASE + "/limits/%27%3B%20DROP%20TABLE%20limit_rules"), 404, null);
    assertRefused(get(BASE + "/limits?x=1"), 400, null);
    assertRefused(call("POST", BASE + "/limits?dryRun=true", TEAM), 400, null);
    assertNothingStored();
  }

  @Test
  void theStatusSaysHowMuchOfEachLimitIsUsed() {
    JsonObject created = post("{\"name\": \"everything\", \"appliesTo\": {\"virtualKeyId\": \"vk-1\"},"
        + " \"requestsPerMinute\": 60, \"tokensPerMinute\": 1000, \"concurrentStreams\": 2,"
        + " \"spendUsd\": {\"amount\": 10, \"window\": \"month\"}, \"mode\": \"soft\"}").json();
    LimitRule rule = directory.current().rule(created.getString("id"));
    reserve(rule, LimitMetric.REQUESTS, 12);
    reserve(rule, LimitMetric.TOKENS, 1_500);
    reserve(rule, LimitMetric.STREAMS, 1);
    // The ledger holds 1.25 dollars of the month; no gateway has seeded the spend counter yet.
    writeCalls(new BigDecimal("1.25"));

    JsonObject status = get(BASE + "/limits/" + rule.id() + "/status").json();
    assertThat(status).isEqualTo(new JsonObject().put("id", rule.id()).put("name", "everything").put("mode", "soft")
        .put("limits", new JsonArray()
            .add(new JsonObject().put("metric", "requests").put("window", "PT1M").put("limit", 60).put("used", 12)
                .put("remaining", 48))
            .add(new JsonObject().put("metric", "tokens").put("window", "PT1M").put("limit", 1000).put("used", 1500)
                .put("remaining", 0))
            .add(new JsonObject().put("metric", "streams").put("window", "now").put("limit", 2).put("used", 1)
                .put("remaining", 1))
            .add(new JsonObject().put("metric", "spend").put("window", "month")
                .put("windowStart", "2026-12-01T00:00:00Z").put("limitUsd", 10).put("usedUsd", 1.25)
                .put("remainingUsd", 8.75))));

    // Once seeded, the counter runs ahead of the ledger (calls still on their way): the larger counts.
    LimitWindow month = LimitMetric.SPEND.windowOf(rule);
    counters.seed(LimitMetric.SPEND.key(rule), month, Map.of(month.bucketOf(NOW), LimitAmounts.nanoUsd(2.5))).await();
    JsonObject spend = get(BASE + "/limits/" + rule.id() + "/status").json().getJsonArray("limits").getJsonObject(3);
    assertThat(spend.getValue("usedUsd")).isEqualTo(2.5);
    assertThat(spend.getValue("remainingUsd")).isEqualTo(7.5);
  }

  @Test
  void aRollingSpendWindowHasNoStart() {
    JsonObject created = post("{\"name\": \"six-hours\", \"appliesTo\": {\"organization\": true},"
        + " \"spendUsd\": {\"amount\": 0.000000001, \"window\": \"PT6H\"}}").json();
    writeCalls(new BigDecimal("0.5"));
    Answer answer = get(BASE + "/limits/" + created.getString("id") + "/status");
    assertThat(answer.body()).contains("\"limitUsd\":0.000000001");
    assertThat(answer.json().getJsonArray("limits")).containsExactly(new JsonObject().put("metric", "spend")
        .put("window", "PT6H").put("limitUsd", 0.000000001).put("usedUsd", 0.5).put("remainingUsd", 0));
  }

  private void reserve(LimitRule rule, LimitMetric metric, long amount) {
    assertThat(counters.reserve(metric.key(rule), metric.windowOf(rule), amount, metric.limitOf(rule), false, false)
        .await().admitted()).isTrue();
  }

  private void writeCalls(BigDecimal cost) {
    UsageRecord call = new UsageRecord("call-1", NOW - 60_000, "proxy-1", CallerKind.VIRTUAL_KEY, "vk-1", "openai",
        "chat.completions", "gpt-4o", "gpt-4o", 10, 20, -1, -1, -1, false, 200, "completed", 100.0, null, null);
    new UsageStore(db).insertNew(List.of(new Priced(call, cost)), AlsoInTransaction.NOTHING).await();
  }

  private void assertNothingStored() throws InterruptedException {
    assertThat(get(BASE + "/limits").json().getJsonArray("data")).isEmpty();
    Thread.sleep(100);
    assertThat(announced).isEmpty();
    assertThat(directory.current().version()).isZero();
  }
}
