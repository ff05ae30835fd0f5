package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.testkit.ClusterCertificates;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/**
 * Limit rules across a cluster of separate JVMs: one process with the ledger (auth role, on H2),
 * the providers and the router, and three gateway processes. Hammered through all three gateways
 * at once, a request limit and a token limit each hold to within one call's reservation per
 * gateway (exactly, as implemented: every reservation is an entry processor on the counter's
 * partition owner). Then a gateway that owns counters stops answering (frozen, then killed), and
 * while its partitions cannot be reached the other two gateways do what their fail modes say,
 * count it in {@code portcullis_limits_unavailable_total} and log it, without a secret in any log;
 * once the cluster has dropped it, the backups answer and the limits are enforced again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class LimitsClusterIT {

  private static final String AUTH_SECRET = RandomTokens.base62(48);
  private static final String ADMIN_TOKEN = "limits-cluster-admin-" + RandomTokens.base62(24);
  private static final String PROVIDER_SECRET = "sk-limits-cluster-provider-" + RandomTokens.base62(24);
  private static final String MODEL = "gpt-4o-mini";
  private static final int REQUEST_LIMIT = 100;
  private static final int CALLS_PER_GATEWAY = 150;
  /**
   * Well below the failure detection, so calls to a silent member's partitions time out before it
   * is dropped; and not so short that a reachable counter times out while three gateways are
   * hammered on a busy 2-core machine (at 300 ms, one call in 450 did, in one run of three).
   */
  private static final long SHARED_TIMEOUT_MS = 1000;
  private static final int FAILURE_DETECTION_SECONDS = 4;
  /**
   * Rules on each of the fail-mode keys. Each rule's counter is on one partition; the victim owns
   * about a quarter of them, so at least one of this many counters is the victim's but with a
   * chance of 0.75^40, about 1e-5.
   */
  private static final int RULES_PER_FAIL_MODE_KEY = 40;

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static ClusterCertificates clusterCa;
  private static PortcullisProcess core;
  /** Defaults: rates allowed, spend refused when the shared state cannot be reached. */
  private static Gateway lenient;
  /** The other way round: rates refused, spend allowed. */
  private static Gateway strict;
  /** Defaults; the member frozen, then killed, to make the counters it owns unreachable. */
  private static Gateway victim;
  private static final List<PortcullisProcess> STARTED = new CopyOnWriteArrayList<>();
  private static AdminClient admin;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  private static Path data;
  private static String providerKeyId;
  private static final List<String> SECRETS = new CopyOnWriteArrayList<>(List.of(PROVIDER_SECRET, ADMIN_TOKEN));

  private record Gateway(PortcullisProcess process, int port, int metricsPort) {
    String url(String path) {
      return "http://127.0.0.1:" + port + path;
    }

    String name() {
      return process.name();
    }
  }

  /** One answer of a burst: its status, the rule header, the body. */
  private record Answer(int status, String rule, String body) {}

  static {
    // However the test JVM ends, no Portcullis JVM outlives it.
    Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(p -> {
      try {
        p.kill();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    })));
  }

  @BeforeAll
  static void startCluster() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    clusterCa = ClusterCertificates.newAuthority("limits-cluster-it-ca");
    int adminPort = PortcullisUnderTest.freePort();
    List<Integer> memberPorts = List.of(PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort(),
        PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort());
    String members = memberPorts.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    // Fresh each run: the ledger's H2 store is encrypted with this run's auth secret.
    data = Files.createTempDirectory("limits-cluster-it");

    core = start("core", "auth,router,providers", env(members, memberPorts.get(0), data.resolve("core"), Map.of(
        "PORTCULLIS_ADMIN_PORT", String.valueOf(adminPort),
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"))));
    lenient = gateway("gateway-lenient", members, memberPorts.get(1), data, Map.of());
    strict = gateway("gateway-strict", members, memberPorts.get(2), data, Map.of(
        "PORTCULLIS_LIMITS_RATES_WHEN_UNAVAILABLE", "refuse",
        "PORTCULLIS_LIMITS_SPEND_WHEN_UNAVAILABLE", "allow"));
    victim = gateway("gateway-victim", members, memberPorts.get(3), data, Map.of());
    for (PortcullisProcess process : STARTED) {
      process.awaitStarted(90);
    }
    admin = new AdminClient("http://127.0.0.1:" + adminPort, ADMIN_TOKEN);
    providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "limits-cluster-openai").put("apiKey", PROVIDER_SECRET)).getString("id");
    for (Gateway gateway : gateways()) {
      awaitReady(gateway);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (PortcullisProcess process : STARTED) {
      process.kill();
    }
    if (upstreamVertx != null) {
      upstreamVertx.close().await();
    }
    if (data != null) {
      try (Stream<Path> files = Files.walk(data)) {
        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static PortcullisProcess start(String name, String roles, Map<String, String> env) throws Exception {
    PortcullisProcess process = PortcullisProcess.start(name, List.of("--cluster", "--roles", roles), env);
    STARTED.add(process);
    return process;
  }

  private static Gateway gateway(String name, String members, int memberPort, Path data, Map<String, String> own)
      throws Exception {
    int port = PortcullisUnderTest.freePort();
    int metricsPort = PortcullisUnderTest.freePort();
    Map<String, String> settings = new HashMap<>(own);
    settings.put("PORTCULLIS_PORT", String.valueOf(port));
    settings.put("ARCHESTRA_METRICS_PORT", String.valueOf(metricsPort));
    settings.put("PORTCULLIS_LIMITS_SHARED_TIMEOUT_MS", String.valueOf(SHARED_TIMEOUT_MS));
    return new Gateway(start(name, "gateway", env(members, memberPort, data.resolve(name), settings)), port,
        metricsPort);
  }

  private static Map<String, String> env(String members, int memberPort, Path dataDir, Map<String, String> own) {
    Map<String, String> env = new HashMap<>();
    env.put("PORTCULLIS_CLUSTER_MEMBERS", members);
    env.put("PORTCULLIS_CLUSTER_HOST", "127.0.0.1");
    env.put("PORTCULLIS_CLUSTER_PORT", String.valueOf(memberPort));
    env.put("PORTCULLIS_CLUSTER_NAME", "limits-cluster-it-" + ProcessHandle.current().pid());
    env.put("PORTCULLIS_CLUSTER_FAILURE_DETECTION_SECONDS", String.valueOf(FAILURE_DETECTION_SECONDS));
    env.put("PORTCULLIS_DISCOVERY_HEARTBEAT_MS", "500");
    env.put("PORTCULLIS_GATEWAY_INSTANCES", "1");
    env.put("PORTCULLIS_PROVIDER_INSTANCES", "1");
    env.put("PORTCULLIS_HOST", "127.0.0.1");
    env.put("ARCHESTRA_METRICS_PORT", String.valueOf(PortcullisUnderTest.freePort()));
    env.put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET);
    env.put("PORTCULLIS_DATA_DIR", dataDir.toString());
    env.putAll(clusterCa.issue(dataDir.getFileName().toString())
        .writePem(dataDir.resolveSibling("tls-" + dataDir.getFileName())));
    env.putAll(own);
    return env;
  }

  private static List<Gateway> gateways() {
    return List.of(lenient, strict, victim);
  }

  /** Ready: started, its limit rules loaded from the ledger, and a provider process up. */
  private static void awaitReady(Gateway gateway) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url("/ready")))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (ConnectException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError(gateway.name() + " never became ready:\n" + gateway.process().logText());
  }

  // ---- the admin API ----

  private static JsonObject virtualKey(String name) {
    JsonObject key = admin.create("virtual-keys", new JsonObject().put("name", name)
        .put("providerKeyIds", new JsonArray().add(providerKeyId)));
    SECRETS.add(key.getString("key"));
    return key;
  }

  private static JsonObject rule(String name, JsonObject key, JsonObject limits) {
    HttpResponse<String> created = admin.send("POST", "/api/admin/limits", limits.copy().put("name", name)
        .put("appliesTo", new JsonObject().put("virtualKeyId", key.getString("id"))));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body());
  }

  /**
   * Returns once every gateway enforces every rule made so far: a canary rule (one request a
   * minute) made last, so a gateway that refuses the canary's second call knows a version of the
   * rules that has all the others.
   */
  private static void awaitRulesOnEveryGateway() throws Exception {
    JsonObject canary = virtualKey("canary-" + System.nanoTime());
    JsonObject rule = rule(canary.getString("name"), canary, new JsonObject().put("requestsPerMinute", 1));
    for (Gateway gateway : gateways()) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      Answer answer;
      while ((answer = call(gateway, canary, body("canary", 1))).status() != 429 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(answer.rule()).as("%s enforces the rules made so far: %s", gateway.name(), answer.body())
          .isEqualTo(rule.getString("id"));
    }
  }

  // ---- calls ----

  private static String body(String marker, int maxTokens) {
    return new JsonObject().put("model", MODEL).put("max_tokens", maxTokens)
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", marker))).encode();
  }

  private static Answer call(Gateway gateway, JsonObject key, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url("/v1/openai/chat/completions")))
        .header("Authorization", "Bearer " + key.getString("key")).header("Content-Type", "application/json")
        .timeout(Duration.ofSeconds(20)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Answer(response.statusCode(), response.headers().firstValue("x-portcullis-limit-rule").orElse(null),
        response.body());
  }

  /** {@code perGateway} calls through each gateway, all at once from a pool, in no particular order. */
  private static List<Answer> burst(JsonObject key, String body, int perGateway) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(24);
    try {
      List<Future<Answer>> pending = new ArrayList<>();
      for (int i = 0; i < perGateway; i++) {
        for (Gateway gateway : gateways()) {
          pending.add(pool.submit(() -> call(gateway, key, body)));
        }
      }
      List<Answer> answers = new ArrayList<>();
      for (Future<Answer> answer : pending) {
        answers.add(answer.get(60, TimeUnit.SECONDS));
      }
      return answers;
    } finally {
      pool.shutdownNow();
    }
  }

  private static long upstreamCalls(String marker) {
    return upstream.received().stream().filter(r -> r.bodyText().contains(marker)).count();
  }

  private static String unavailableCounts() throws Exception {
    StringBuilder counts = new StringBuilder();
    for (Gateway gateway : gateways()) {
      if (gateway.process().isAlive()) {
        counts.append(gateway.name()).append(": ").append(metricLines(gateway, "portcullis_limits_unavailable_total"))
            .append("; ");
      }
    }
    return counts.toString();
  }

  // ---- 1. one budget, three gateways ----

  @Test
  @Order(1)
  void threeGatewaysHammeredAtOnceAdmitNoMoreThanTheRequestLimitAndTheTokenLimit() throws Exception {
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion(MODEL, "ok", 10, 2)));
    JsonObject requestsKey = virtualKey("hammered-requests");
    JsonObject requestsRule = rule("rpm-" + REQUEST_LIMIT, requestsKey,
        new JsonObject().put("requestsPerMinute", REQUEST_LIMIT));

    // Every call reserves a quarter of its body's bytes and its max_tokens, and the upstream reports
    // exactly that, so settling changes nothing and the count of admitted calls is exact.
    String tokensBody = body("tokens-hammer", 90);
    long input = (tokensBody.length() + 3) / 4;
    long perCall = input + 90;
    long tokenLimit = 10 * perCall + perCall / 2;
    JsonObject tokensKey = virtualKey("hammered-tokens");
    JsonObject tokensRule = rule("tpm", tokensKey, new JsonObject().put("tokensPerMinute", tokenLimit));
    awaitRulesOnEveryGateway();

    long started = System.nanoTime();
    List<Answer> answers = burst(requestsKey, body("requests-hammer", 16), CALLS_PER_GATEWAY);
    long burstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    long admitted = answers.stream().filter(a -> a.status() == 200).count();
    Map<Integer, Long> statuses = answers.stream().collect(Collectors.groupingBy(Answer::status, Collectors.counting()));
    String seen = "statuses " + statuses + " in " + burstMs + " ms; fail modes hit: " + unavailableCounts();
    assertThat(admitted).as("admitted: at most one call over the limit per gateway; " + seen)
        .isLessThanOrEqualTo(REQUEST_LIMIT + 3);
    assertThat(admitted).as("no spurious refusals; " + seen).isGreaterThanOrEqualTo(REQUEST_LIMIT);
    assertThat(answers).filteredOn(a -> a.status() != 200).as(seen).allSatisfy(a -> {
      assertThat(a.status()).as(a.body()).isEqualTo(429);
      assertThat(a.rule()).isEqualTo(requestsRule.getString("id"));
    });
    assertThat(upstreamCalls("requests-hammer")).as("the upstream got exactly the admitted calls").isEqualTo(admitted);

    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion(MODEL, "ok", (int) input, 90)));
    List<Answer> tokenAnswers = burst(tokensKey, tokensBody, 30);
    long admittedCalls = tokenAnswers.stream().filter(a -> a.status() == 200).count();
    long admittedTokens = admittedCalls * perCall;
    String tokenSeen = admittedCalls + " calls of " + perCall + " tokens against " + tokenLimit + "; fail modes hit: "
        + unavailableCounts();
    assertThat(admittedTokens).as(tokenSeen).isLessThanOrEqualTo(tokenLimit + 3 * perCall);
    assertThat(admittedTokens).as("no spurious refusals: " + tokenSeen).isGreaterThan(tokenLimit - perCall);
    assertThat(tokenAnswers).filteredOn(a -> a.status() != 200).allSatisfy(a -> {
      assertThat(a.status()).as(a.body()).isEqualTo(429);
      assertThat(a.rule()).isEqualTo(tokensRule.getString("id"));
    });
    assertThat(upstreamCalls("tokens-hammer")).isEqualTo(admittedCalls);
    System.out.printf("LimitsClusterIT: requests admitted %d of %d (limit %d) in %d ms; tokens admitted %d calls,"
            + " %d tokens (limit %d)%n", admitted, answers.size(), REQUEST_LIMIT, burstMs, admittedCalls,
        admittedTokens, tokenLimit);
  }

  // ---- 2. the shared state lost ----

  @Test
  @Order(2)
  @DisabledOnOs(value = OS.WINDOWS, disabledReason = "freezes a process with SIGSTOP")
  void whileAMemberThatOwnsCountersCannotBeReachedEachGatewayDoesWhatItsFailModesSay() throws Exception {
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion(MODEL, "ok", 10, 2)));
    JsonObject ratesKey = virtualKey("rates-only");
    JsonObject spendKey = virtualKey("spend-only");
    Set<String> rateRules = new HashSet<>();
    Set<String> spendRules = new HashSet<>();
    for (int i = 0; i < RULES_PER_FAIL_MODE_KEY; i++) {
      rateRules.add(rule("rates-" + i, ratesKey, new JsonObject().put("requestsPerMinute", 1_000_000)).getString("id"));
      spendRules.add(rule("spend-" + i, spendKey, new JsonObject()
          .put("spendUsd", new JsonObject().put("amount", 1000).put("window", "day"))).getString("id"));
    }
    awaitRulesOnEveryGateway();
    // Warm up each surviving gateway: the keys resolved, the model's price quoted and the spend
    // counters seeded from the ledger, so that afterwards only the counters themselves are missing.
    for (Gateway gateway : List.of(lenient, strict)) {
      assertThat(call(gateway, ratesKey, body("warm-up", 8)).status()).isEqualTo(200);
      Answer spend = call(gateway, spendKey, body("warm-up", 8));
      assertThat(spend.status()).as(spend.body()).isEqualTo(200);
    }
    Map<String, Double> before = new HashMap<>();
    for (Gateway gateway : List.of(lenient, strict)) {
      for (String series : List.of("rates,allowed", "rates,refused", "spend,allowed", "spend,refused")) {
        before.put(gateway.name() + "/" + series, unavailable(gateway, series));
      }
    }

    // The trigger, and why: an operation on a counter goes to its partition's owner. While the owner
    // is a member that does not answer, the operation waits (Hazelcast retries it) until the
    // cluster drops that member and a backup takes over; a gateway gives up after its shared
    // timeout and applies its fail mode. Killed with SIGKILL, a member on loopback is dropped within
    // 0.7 to 1 s (its closed connections count as faults at once), which only a timeout of a few
    // hundred ms beats, and such a timeout is also hit by reachable counters on a busy machine.
    // Frozen with SIGSTOP, it keeps its connections and answers nothing until the heartbeat-based
    // failure detection drops it, so the window is the whole detection time (4 s here, the timeout
    // 1 s): the calls below fall in it however slow the machine. Then it is killed for real.
    long frozen = System.nanoTime();
    victim.process().freeze();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    Future<Answer> lenientRates = pool.submit(() -> call(lenient, ratesKey, body("fail-mode", 8)));
    Future<Answer> lenientSpend = pool.submit(() -> call(lenient, spendKey, body("fail-mode", 8)));
    Future<Answer> strictRates = pool.submit(() -> call(strict, ratesKey, body("fail-mode", 8)));
    Future<Answer> strictSpend = pool.submit(() -> call(strict, spendKey, body("fail-mode", 8)));
    pool.shutdown();
    Answer lr = lenientRates.get(30, TimeUnit.SECONDS);
    Answer ls = lenientSpend.get(30, TimeUnit.SECONDS);
    Answer sr = strictRates.get(30, TimeUnit.SECONDS);
    Answer ss = strictSpend.get(30, TimeUnit.SECONDS);
    long answeredMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - frozen);
    String when = "answered " + answeredMs + " ms after the freeze";

    assertThat(answeredMs).as("the gateways waited for the shared timeout").isGreaterThanOrEqualTo(SHARED_TIMEOUT_MS);
    // Rates allowed, spend refused (the defaults).
    assertThat(lr.status()).as(when + ": " + lr.body()).isEqualTo(200);
    assertThat(ls.status()).as(when + ": " + ls.body()).isEqualTo(503);
    assertRefusalNamesARule(ls, spendRules);
    // Rates refused, spend allowed.
    assertThat(sr.status()).as(when + ": " + sr.body()).isEqualTo(503);
    assertRefusalNamesARule(sr, rateRules);
    assertThat(ss.status()).as(when + ": " + ss.body()).isEqualTo(200);
    // Each went through the fail mode, not the counters: counted...
    assertThat(unavailable(lenient, "rates,allowed")).as(when).isGreaterThan(before.get("gateway-lenient/rates,allowed"));
    assertThat(unavailable(lenient, "spend,refused")).as(when).isGreaterThan(before.get("gateway-lenient/spend,refused"));
    assertThat(unavailable(strict, "rates,refused")).as(when).isGreaterThan(before.get("gateway-strict/rates,refused"));
    assertThat(unavailable(strict, "spend,allowed")).as(when).isGreaterThan(before.get("gateway-strict/spend,allowed"));
    // ...and logged, with no secret in any log.
    for (Gateway gateway : List.of(lenient, strict)) {
      assertThat(awaitLimitsWarning(gateway)).as(gateway.name()).isNotNull();
    }
    for (PortcullisProcess process : STARTED) {
      String log = process.logText();
      for (String secret : SECRETS) {
        assertThat(log).as(process.name() + " logs no secret").doesNotContain(secret);
      }
    }

    // Killed, and dropped by the cluster: the backups take over, the counters are reachable again,
    // and the strict gateway lets the rate-limited key through again.
    victim.process().kill();
    long killed = System.nanoTime();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Answer again;
    do {
      Thread.sleep(200);
      again = call(strict, ratesKey, body("after", 8));
    } while (again.status() != 200 && System.nanoTime() < deadline);
    assertThat(again.status()).as(again.body()).isEqualTo(200);
    System.out.printf("LimitsClusterIT: fail modes answered %d ms after the freeze; counters back %d ms after the"
        + " kill%n", answeredMs, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed));
  }

  private static void assertRefusalNamesARule(Answer refused, Set<String> rules) {
    assertThat(refused.rule()).isIn(rules);
    JsonObject error = new JsonObject(refused.body()).getJsonObject("error");
    assertThat(error.getString("message")).contains(refused.rule()).contains("cannot be checked now");
  }

  /** The first WARN line of the gateway's JSON log whose message starts with "Limits:", waited for briefly. */
  private static JsonObject awaitLimitsWarning(Gateway gateway) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    do {
      for (String line : gateway.process().logText().split("\n")) {
        if (line.startsWith("{") && line.contains("Limits:")) {
          JsonObject json = new JsonObject(line);
          if ("WARN".equals(json.getString("level")) && json.getString("message", "").startsWith("Limits:")) {
            return json;
          }
        }
      }
      Thread.sleep(50);
    } while (System.nanoTime() < deadline);
    return null;
  }

  /** {@code portcullis_limits_unavailable_total{limit, action}} of "limit,action", 0 when absent. */
  private static double unavailable(Gateway gateway, String limitAndAction) throws Exception {
    String[] parts = limitAndAction.split(",");
    for (String line : metricLines(gateway, "portcullis_limits_unavailable_total")) {
      if (line.contains("limit=\"" + parts[0] + "\"") && line.contains("action=\"" + parts[1] + "\"")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return 0;
  }

  private static List<String> metricLines(Gateway gateway, String name) throws Exception {
    String text = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.metricsPort() + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(line -> line.startsWith(name + "{")).toList();
  }
}
