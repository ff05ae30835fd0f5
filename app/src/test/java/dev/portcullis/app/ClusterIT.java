package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.ClusterCertificates;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Clustered mode for real: separate JVMs on loopback, joined by Hazelcast with a TCP-IP member
 * list: a gateway, two provider processes (each pointed at its own recording upstream, so the
 * upstream that answered tells which process served a call), auth-service on PostgreSQL, and the
 * router role, their event bus TLS with member certificates from a CA made for the test. Calls,
 * streams and revocations cross processes; a provider process killed
 * mid-stream ends the client's stream with an error event within the idle timeout, and the other
 * provider process takes the next calls.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {

  /** One secret for every process of the cluster, generated per run: a literal one would be published. */
  private static final String AUTH_SECRET = dev.portcullis.common.auth.RandomTokens.base62(48);

  private static final String ADMIN_TOKEN = "cluster-admin-token-0123456789abcdef";
  private static final String CLIENT_KEY = "sk-cluster-client";
  /** The gateway's stream idle timeout (and upstream timeout), lowered so a dead producer shows fast. */
  private static final long IDLE_TIMEOUT_MS = 3000;
  private static final ChatCompletionCreateParams PARAMS = ChatCompletionCreateParams.builder()
      .model("gpt-4o").addUserMessage("hi").build();

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstreamA;
  private static RecordingUpstream upstreamB;
  private static EmbeddedPostgres postgres;
  private static PortcullisProcess gateway;
  private static PortcullisProcess providerA;
  private static PortcullisProcess providerB;
  private static PortcullisProcess auth;
  private static PortcullisProcess router;
  private static int gatewayPort;
  private static AdminClient admin;
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ClusterCertificates clusterCa;

  @BeforeAll
  static void startCluster() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstreamA = RecordingUpstream.start(upstreamVertx);
    upstreamB = RecordingUpstream.start(upstreamVertx);
    answerWholeCalls();
    postgres = EmbeddedPostgres.start();

    gatewayPort = PortcullisUnderTest.freePort();
    int adminPort = PortcullisUnderTest.freePort();
    List<Integer> memberPorts = List.of(PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort(),
        PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort());
    String members = String.join(",", memberPorts.stream().map(p -> "127.0.0.1:" + p).toList());
    Path data = Path.of("target", "cluster-it").toAbsolutePath();
    clusterCa = ClusterCertificates.newAuthority("cluster-it-ca");

    // Started together: on two cores the JVMs' start-up overlaps with Hazelcast's joining.
    gateway = PortcullisProcess.start("gateway", List.of("--cluster", "--roles", "gateway"), env(members,
        memberPorts.get(0), data.resolve("gateway"), Map.of(
            "PORTCULLIS_PORT", String.valueOf(gatewayPort),
            "ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS", String.valueOf(IDLE_TIMEOUT_MS))));
    providerA = PortcullisProcess.start("provider-a", List.of("--cluster", "--roles", "providers"), env(members,
        memberPorts.get(1), data.resolve("provider-a"), Map.of("ARCHESTRA_OPENAI_BASE_URL", upstreamA.baseUrl("/v1"))));
    providerB = PortcullisProcess.start("provider-b", List.of("--cluster", "--roles", "providers"), env(members,
        memberPorts.get(2), data.resolve("provider-b"), Map.of("ARCHESTRA_OPENAI_BASE_URL", upstreamB.baseUrl("/v1"))));
    auth = PortcullisProcess.start("auth", List.of("--cluster", "--roles", "auth"), env(members,
        memberPorts.get(3), data.resolve("auth"), Map.of(
            "PORTCULLIS_ADMIN_PORT", String.valueOf(adminPort),
            "ARCHESTRA_DATABASE_URL", "postgresql://postgres:postgres@127.0.0.1:" + postgres.getPort() + "/postgres")));
    router = PortcullisProcess.start("router", List.of("--cluster", "--roles", "router"), env(members,
        memberPorts.get(4), data.resolve("router"), Map.of()));
    for (PortcullisProcess process : List.of(gateway, providerA, providerB, auth, router)) {
      process.awaitStarted(80);
    }
    awaitReady();
    admin = new AdminClient("http://127.0.0.1:" + adminPort, ADMIN_TOKEN);
  }

  private static Map<String, String> env(String members, int memberPort, Path dataDir, Map<String, String> own) {
    Map<String, String> env = new HashMap<>();
    env.put("PORTCULLIS_CLUSTER_MEMBERS", members);
    env.put("PORTCULLIS_CLUSTER_HOST", "127.0.0.1");
    env.put("PORTCULLIS_CLUSTER_PORT", String.valueOf(memberPort));
    env.put("PORTCULLIS_CLUSTER_NAME", "cluster-it-" + ProcessHandle.current().pid());
    env.put("PORTCULLIS_CLUSTER_FAILURE_DETECTION_SECONDS", "4");
    env.put("PORTCULLIS_DISCOVERY_HEARTBEAT_MS", "500");
    env.put("PORTCULLIS_GATEWAY_INSTANCES", "1");
    env.put("PORTCULLIS_PROVIDER_INSTANCES", "1");
    env.put("PORTCULLIS_HOST", "127.0.0.1");
    env.put("ARCHESTRA_METRICS_PORT", String.valueOf(PortcullisUnderTest.freePort()));
    env.put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN);
    env.put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET);
    env.put("PORTCULLIS_DATA_DIR", dataDir.toString());
    // Each process its own member certificate, issued by the test's cluster CA.
    env.putAll(clusterCa.issue(dataDir.getFileName().toString()).writePem(dataDir.resolveSibling("tls-" + dataDir.getFileName())));
    env.putAll(own);
    return env;
  }

  private static void answerWholeCalls() {
    upstreamA.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "from A", 2, 2)));
    upstreamB.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "from B", 2, 2)));
  }

  private static void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(gatewayUrl("/ready")))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (ConnectException notYet) {
        // still starting
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the gateway never became ready:\n" + gateway.logText());
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (PortcullisProcess process : new PortcullisProcess[] {gateway, providerA, providerB, auth, router}) {
      if (process != null) {
        process.close();
      }
    }
    if (postgres != null) {
      postgres.close();
    }
    if (upstreamVertx != null) {
      upstreamVertx.close().await();
    }
  }

  private static String gatewayUrl(String path) {
    return "http://127.0.0.1:" + gatewayPort + path;
  }

  private static OpenAIClient client(String key) {
    return OpenAIOkHttpClient.builder().baseUrl(gatewayUrl("/v1/openai")).apiKey(key).maxRetries(0).build();
  }

  @Test
  @Order(1)
  void callsCrossProcessesAndBothProviderProcessesShareTheLoad() {
    upstreamA.reset();
    upstreamB.reset();
    answerWholeCalls();
    OpenAIClient client = client(CLIENT_KEY);
    List<String> answers = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      ChatCompletion completion = client.chat().completions().create(PARAMS);
      answers.add(completion.choices().get(0).message().content().orElseThrow());
    }
    client.close();
    assertThat(answers).contains("from A", "from B");
    assertThat(upstreamA.received().size() + upstreamB.received().size()).isEqualTo(8);
    assertThat(upstreamA.received()).isNotEmpty().allSatisfy(r ->
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + CLIENT_KEY));
    assertThat(upstreamB.received()).isNotEmpty().allSatisfy(r ->
        assertThat(r.bodyText()).contains("\"gpt-4o\""));
    // Every process talks TLS on the bus: none runs with the plaintext bus's warning.
    for (PortcullisProcess process : List.of(gateway, providerA, providerB, auth, router)) {
      assertThat(process.logText()).as(process.name()).doesNotContain("PORTCULLIS_CLUSTER_INSECURE");
    }
  }

  @Test
  @Order(2)
  void aStreamCrossesProcessesFrameByFrame() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("across", " the", " cluster"), 3, 3);
    for (RecordingUpstream upstream : List.of(upstreamA, upstreamB)) {
      SseScript script = SseScript.create();
      chunks.forEach(chunk -> script.data(chunk).delay(20));
      script.data("[DONE]");
      upstream.on("POST", "/v1/chat/completions", script);
    }
    HttpResponse<String> response = HTTP.send(streamRequest(CLIENT_KEY), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/event-stream"));
    StringBuilder expected = new StringBuilder();
    chunks.forEach(chunk -> expected.append("data: ").append(chunk).append("\n\n"));
    expected.append("data: [DONE]\n\n");
    assertThat(response.body()).isEqualTo(expected.toString());
    answerWholeCalls();
  }

  @Test
  @Order(2)
  void creditFlowsBackAcrossProcessesOnAStreamLongerThanTheWindow() throws Exception {
    // 200 events: far beyond the 32 frames a provider may send ahead, so the stream only completes
    // if Credit frames travel back from the gateway process to the provider process.
    List<String> pieces = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      pieces.add(" w" + i);
    }
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", pieces, 3, 200);
    for (RecordingUpstream upstream : List.of(upstreamA, upstreamB)) {
      SseScript script = SseScript.create();
      // A small delay between events keeps them in separate DATA frames.
      chunks.forEach(chunk -> script.data(chunk).delay(2));
      script.data("[DONE]");
      upstream.on("POST", "/v1/chat/completions", script);
    }
    HttpResponse<String> response = HTTP.send(streamRequest(CLIENT_KEY), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).endsWith("data: [DONE]\n\n").contains(" w199");
    answerWholeCalls();
  }

  @Test
  @Order(2)
  void anUpstreamThatBreaksMidStreamReachesTheClientAsAnErrorEventFromTheProviderProcess() throws Exception {
    String first = OpenAiWire.chatTextStream("gpt-4o", List.of("cut"), 1, 1).get(0);
    for (RecordingUpstream upstream : List.of(upstreamA, upstreamB)) {
      upstream.on("POST", "/v1/chat/completions", (request, body) -> {
        var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
        response.write("data: " + first + "\n\n");
        upstreamVertx.setTimer(50, t -> request.connection().close());
      });
    }
    long started = System.nanoTime();
    HttpResponse<String> response = HTTP.send(streamRequest(CLIENT_KEY), HttpResponse.BodyHandlers.ofString());
    assertThat(response.body()).startsWith("data: " + first + "\n\n");
    String last = response.body().substring(response.body().indexOf("\n\n") + 2).trim();
    // A Failure frame sent by the provider process, not the gateway's idle timeout.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(IDLE_TIMEOUT_MS);
    assertThat(new JsonObject(last.substring("data: ".length())).getJsonObject("error").getString("message"))
        .contains("connection to the upstream openai");
    answerWholeCalls();
  }

  @Test
  @Order(2)
  void aClientThatGoesAwayCancelsTheUpstreamCallInTheProviderProcess() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("hello"), 1, 1);
    List<SseScript> scripts = new ArrayList<>();
    for (RecordingUpstream upstream : List.of(upstreamA, upstreamB)) {
      SseScript script = SseScript.create().data(chunks.get(0)).gate("never");
      scripts.add(script);
      upstream.on("POST", "/v1/chat/completions", script);
    }
    HttpClient client = HttpClient.newHttpClient();
    HttpResponse<InputStream> response = client.send(streamRequest(CLIENT_KEY), HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine()).isEqualTo("data: " + chunks.get(0));
    reader.close();
    // CANCEL crosses from the gateway process to the provider process, which resets its upstream call,
    // sooner than the idle timeout (which would also end it).
    CompletableFuture.anyOf(scripts.get(0).clientGone(), scripts.get(1).clientGone())
        .get(IDLE_TIMEOUT_MS - 1000, TimeUnit.MILLISECONDS);
    assertThat(client).isNotNull();
    answerWholeCalls();
  }

  @Test
  @Order(3)
  void aModelRouterCallCrossesTheGatewayRouterAndProviderProcesses() {
    String proxyId = admin.create("llm-proxies", new JsonObject().put("name", "cluster-router")).getString("id");
    String providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "cluster-router-openai").put("apiKey", "sk-router-stored")).getString("id");
    String key = admin.create("virtual-keys", new JsonObject().put("name", "cluster-router-app")
        .put("providerKeyIds", new JsonArray().add(providerKeyId))).getString("key");
    upstreamA.reset();
    upstreamB.reset();
    answerWholeCalls();
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(gatewayUrl("/v1/model-router/" + proxyId))
        .apiKey(key).maxRetries(0).build();
    ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("openai:gpt-4o").addUserMessage("hi").build());
    client.close();
    assertThat(completion.choices().get(0).message().content().orElseThrow()).isIn("from A", "from B");
    // Only the router process consumes portcullis.router.model; only the provider processes call upstreams.
    assertThat(router.logText()).contains("roles [ROUTER]");
    assertThat(gateway.logText()).contains("roles [GATEWAY]");
    var received = List.of(upstreamA, upstreamB).stream().flatMap(u -> u.received().stream()).toList();
    assertThat(received).singleElement().satisfies(r -> {
      assertThat(r.header("Authorization")).isEqualTo("Bearer sk-router-stored");
      assertThat(new JsonObject(r.bodyText()).getString("model")).isEqualTo("gpt-4o");
    });
  }

  @Test
  @Order(3)
  void aRevocationThroughTheAdminApiStopsTheKeyOnTheGatewayWithinASecond() throws Exception {
    String providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "cluster-openai").put("apiKey", "sk-stored-in-postgres")).getString("id");
    JsonObject virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "cluster-app")
        .put("providerKeyIds", new JsonArray().add(providerKeyId)));
    OpenAIClient client = client(virtualKey.getString("key"));
    upstreamA.reset();
    upstreamB.reset();
    answerWholeCalls();
    client.chat().completions().create(PARAMS); // resolved by auth over the bus, cached by the gateway
    List<RecordingUpstream> both = List.of(upstreamA, upstreamB);
    assertThat(both.stream().flatMap(u -> u.received().stream()).toList()).singleElement()
        .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer sk-stored-in-postgres"));

    assertThat(admin.send("DELETE", "/api/admin/virtual-keys/" + virtualKey.getString("id"), null).statusCode())
        .isEqualTo(204);
    long deleted = System.nanoTime();
    boolean refused = false;
    while (!refused && System.nanoTime() - deleted < TimeUnit.SECONDS.toNanos(1)) {
      try {
        client.chat().completions().create(PARAMS);
        Thread.sleep(20);
      } catch (UnauthorizedException e) {
        refused = true;
      }
    }
    client.close();
    assertThat(refused).as("401 on the gateway process within a second of the delete on the auth process").isTrue();
  }

  @Test
  @Order(4)
  void killingAProviderProcessMidStreamEndsTheStreamWithAnErrorEventAndTheOtherTakesOver() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("first", " never"), 2, 2);
    for (RecordingUpstream upstream : List.of(upstreamA, upstreamB)) {
      upstream.reset();
      upstream.on("POST", "/v1/chat/completions", SseScript.create().data(chunks.get(0)).gate("never"));
    }
    HttpClient streamClient = HttpClient.newHttpClient();
    HttpResponse<InputStream> response = streamClient.send(streamRequest(CLIENT_KEY), HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine()).isEqualTo("data: " + chunks.get(0));
    assertThat(reader.readLine()).isEmpty();

    boolean servedByA = !upstreamA.received().isEmpty();
    PortcullisProcess serving = servedByA ? providerA : providerB;
    RecordingUpstream survivor = servedByA ? upstreamB : upstreamA;
    long killed = System.nanoTime();
    serving.kill();

    StringBuilder rest = new StringBuilder();
    for (String line; (line = reader.readLine()) != null; ) {
      rest.append(line).append('\n');
    }
    long endedAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
    assertThat(endedAfterMs).as("the stream ended within the idle timeout").isLessThan(IDLE_TIMEOUT_MS + 2500);
    String event = rest.toString().trim();
    assertThat(event).startsWith("data: {");
    JsonObject error = new JsonObject(event.substring("data: ".length())).getJsonObject("error");
    assertThat(error.getString("message")).contains("sent nothing for " + IDLE_TIMEOUT_MS + " ms");
    assertThat(error.getString("type")).isNotBlank();
    assertThat(streamClient).isNotNull();

    // New calls go to the surviving process once the cluster has dropped the dead member.
    answerWholeCalls();
    OpenAIClient client = client(CLIENT_KEY);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    int inARow = 0;
    List<String> failures = new ArrayList<>();
    while (inARow < 4 && System.nanoTime() < deadline) {
      try {
        String answer = client.chat().completions().create(PARAMS).choices().get(0).message().content().orElseThrow();
        assertThat(answer).isEqualTo(survivor == upstreamA ? "from A" : "from B");
        inARow++;
      } catch (RuntimeException e) {
        failures.add(e.getMessage());
        inARow = 0;
        Thread.sleep(200);
      }
    }
    client.close();
    assertThat(inARow).as("calls succeed on the surviving provider process; failures meanwhile: %s", failures)
        .isEqualTo(4);
  }

  private static HttpRequest streamRequest(String key) {
    return HttpRequest.newBuilder().uri(URI.create(gatewayUrl("/v1/openai/chat/completions")))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"))
        .build();
  }
}
