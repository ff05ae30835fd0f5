package dev.portcullis.usage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.limit.LimitAmounts;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.common.limit.LocalLimitCounters;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.usage.UsageLines;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ledger as the app deploys it, with its limit parts wired: a rule made through the admin
 * calls reaches the gateways' questions on the bus, records shipped as a gateway ships them count
 * towards its spend (refusals kept, not counted) and are exported with the rules that acted on them.
 */
class UsageLedgerLimitsTest {

  private static final String BASE = "/api/admin";

  @TempDir
  Path dataDir;

  private Vertx vertx;
  private String deployment;
  private HttpServer server;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    UsageLedgerVerticle ledger = new UsageLedgerVerticle(new Settings(new JsonObject()
        .put("PORTCULLIS_DATA_DIR", dataDir.toString())), new SimpleMeterRegistry(), ctx -> ctx.body().buffer(),
        new LocalLimitCounters());
    deployment = vertx.deployVerticle(ledger, UsageLedgerVerticle.deployment()).await();
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false).setBodyLimit(1 << 20));
    ledger.mountAdmin(router, BASE);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
  }

  @AfterEach
  void stop() {
    server.close().await();
    vertx.close().await();
  }

  private HttpResponse<String> call(String method, String target, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + target))
        .timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonObject ask(String address, Object body) {
    return (JsonObject) vertx.eventBus().request(address, body).await().body();
  }

  private static UsageRecord call(String id, long time, long in, long out, String outcome, String limits) {
    return new UsageRecord(id, time, "proxy-1", CallerKind.VIRTUAL_KEY, "vk-1", "openai", "chat.completions",
        "gpt-4o", "gpt-4o-2024-08-06", in, out, -1, -1, -1, false, "limited".equals(outcome) ? 429 : 200, outcome,
        12.0, null, null, limits);
  }

  /** Records as a gateway's shipper sends them: one JSON line each. */
  private static String lines(List<UsageRecord> records) {
    return records.stream().map(r -> r.toJson().encode()).collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void aBatchIsStoredOnAWorkerThreadNeverOnAnEventLoopThatServesCalls() {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    vertx.eventBus().addInboundInterceptor(delivery -> {
      if (Addresses.USAGE_RECORDS.equals(delivery.message().address())) {
        threads.add((Context.isOnWorkerThread() ? "worker " : "event loop ") + Thread.currentThread().getName());
      }
      delivery.next();
    });
    long now = System.currentTimeMillis();
    String lines = lines(List.of(call("a", now - 2, 10, 5, "completed", null),
        call("b", now - 1, 10, 5, "completed", null)));

    assertThat(ask(Addresses.USAGE_RECORDS, lines).getInteger("stored")).isEqualTo(2);
    assertThat(threads).singleElement().asString().startsWith("worker ");
  }

  @Test
  void aBatchAsTheShipperSendsItIsStoredAndItsTextIsNotKeptForTheAnswer() {
    long now = System.currentTimeMillis();
    UsageLines sent = new UsageLines(lines(List.of(call("x", now - 2, 10, 5, "completed", null),
        call("y", now - 1, 10, 5, "completed", null))));
    JsonObject answer = ask(Addresses.USAGE_RECORDS, sent);
    assertThat(answer.getInteger("stored")).isEqualTo(2);
    assertThat(answer.getInteger("received")).isEqualTo(2);
    assertThat(sent.take()).as("taken by the ledger: the same object inside one JVM").isNull();
  }

  @Test
  void aRuleMadeByAnAdministratorIsWhatTheGatewaysAreToldAndItsSpendIsTheLedgers() throws Exception {
    HttpResponse<String> created = call("POST", BASE + "/limits", "{\"name\": \"team-a\", \"appliesTo\":"
        + " {\"virtualKeyId\": \"vk-1\"}, \"spendUsd\": {\"amount\": 50, \"window\": \"month\"}}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String id = new JsonObject(created.body()).getString("id");

    JsonObject rules = ask(Addresses.LIMITS_RULES, new JsonObject());
    assertThat(rules.getLong("version")).isEqualTo(1);
    assertThat(rules.getJsonArray("rules").getJsonObject(0).getString("id")).isEqualTo(id);
    assertThat(ask(Addresses.LIMITS_RULES, new JsonObject().put("since", 1))).isEqualTo(new JsonObject()
        .put("version", 1));

    long now = System.currentTimeMillis();
    List<UsageRecord> batch = List.of(call("ok", now - 1_000, 1_000_000, 100_000, "completed", null),
        call("refused", now - 900, -1, -1, "limited", "refused:" + id),
        call("flagged", now - 800, 2_000, 500, "completed", "soft:" + id));
    String lines = lines(batch);
    assertThat(ask(Addresses.USAGE_RECORDS, lines).getInteger("stored")).isEqualTo(3);

    // The ledger priced each record as a quote prices it.
    BigDecimal first = (BigDecimal) ask(Addresses.USAGE_QUOTE, new JsonObject().put("provider", "openai")
        .put("model", "gpt-4o-2024-08-06").put("in", 1_000_000).put("out", 100_000)).getValue("costUsd");
    BigDecimal third = (BigDecimal) ask(Addresses.USAGE_QUOTE, new JsonObject().put("provider", "openai")
        .put("model", "gpt-4o-2024-08-06").put("in", 2_000).put("out", 500)).getValue("costUsd");
    assertThat(first).isEqualByComparingTo("3.5");
    long month = LimitWindow.Calendar.MONTH.bucketOf(now);
    assertThat(ask(Addresses.LIMITS_SPENT, new JsonObject().put("ruleId", id))).isEqualTo(new JsonObject()
        .put("revision", 1).put("buckets", new JsonObject().put(Long.toString(month),
            LimitAmounts.nanoUsd(first.add(third)))));

    JsonObject spend = new JsonObject(call("GET", BASE + "/limits/" + id + "/status", null).body())
        .getJsonArray("limits").getJsonObject(0);
    assertThat(new BigDecimal(spend.getValue("usedUsd").toString())).isEqualByComparingTo(first.add(third));

    List<JsonObject> exported = call("GET", BASE + "/usage/export?format=jsonl", null).body().lines()
        .map(JsonObject::new).toList();
    assertThat(exported).extracting(line -> line.getString("id")).containsExactly("ok", "refused", "flagged");
    assertThat(exported).extracting(line -> line.getString("limits")).containsExactly(null, "refused:" + id,
        "soft:" + id);
    assertThat(exported.get(1).getString("outcome")).isEqualTo("limited");
    assertThat(exported.get(1).getValue("costUsd")).isNull();
  }

  @Test
  void undeployedTheLedgerAnswersNoLimitQuestions() {
    vertx.undeploy(deployment).await();
    for (String address : List.of(Addresses.LIMITS_RULES, Addresses.LIMITS_SPENT, Addresses.USAGE_QUOTE)) {
      try {
        ask(address, new JsonObject());
        throw new AssertionError(address + " answered");
      } catch (ReplyException gone) {
        assertThat(gone.failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
      }
    }
  }
}
