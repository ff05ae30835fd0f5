package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.app.cluster.ClusterSettings;
import dev.portcullis.app.cluster.ClusterTls;
import dev.portcullis.app.cluster.ClusteredVertx;
import dev.portcullis.app.cluster.HazelcastConfigs;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.testkit.ClusterCertificates;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 10, point 2: a process that reaches the Hazelcast port and knows the cluster's name joins
 * the Hazelcast cluster (Hazelcast itself has no authentication), but without a certificate signed
 * by the cluster's CA it can neither receive nor send an event-bus message.
 *
 * <p>In this JVM: a Portcullis with every role, clustered with TLS, and three more Hazelcast
 * members, each a real member with its own event-bus server: a plaintext intruder (what anyone
 * could run against today's {@code main}), an intruder with TLS that trusts the cluster's CA (a
 * public certificate) but holds a certificate of its own making, and a member with a certificate
 * from the cluster's CA, which shows that every attempt below works for a member that has one, so
 * the intruders' failures are the certificates' doing.
 */
class ClusterIntruderTest {

  private static final String CANARY_PROMPT = "canary-prompt-7f3a9c";
  private static final String STORED_KEY = "sk-stored-provider-key-canary-51d2";
  private static final long UPSTREAM_TIMEOUT_MS = 2500;
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(2000);

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static Node plaintextIntruder;
  private static Node foreignCertIntruder;
  private static Node member;
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** A Hazelcast member with its own event bus, and its cluster manager (to read the cluster's maps as an intruder would). */
  private record Node(String name, Vertx vertx, HazelcastClusterManager hazelcast) {}

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 1, 1)));

    Path dir = Path.of("target", "cluster-intruder-" + ProcessHandle.current().pid()).toAbsolutePath();
    ClusterCertificates clusterCa = ClusterCertificates.newAuthority("portcullis-test-cluster-ca");
    ClusterCertificates otherCa = ClusterCertificates.newAuthority("intruder-ca");
    Map<String, String> portcullisTls = clusterCa.issue("portcullis").writePem(dir.resolve("portcullis"));
    Map<String, String> memberTls = clusterCa.issue("member").writePem(dir.resolve("member"));
    // The intruder's own certificate and key, and the cluster's CA certificate, which is no secret.
    Map<String, String> foreignTls = new HashMap<>(otherCa.issue("intruder").writePem(dir.resolve("intruder")));
    foreignTls.put(ClusterTls.CA, portcullisTls.get(ClusterTls.CA));

    String name = "intruder-test-" + ProcessHandle.current().pid();
    int portcullisPort = PortcullisUnderTest.freePort();
    List<Integer> nodePorts = List.of(PortcullisUnderTest.freePort(), PortcullisUnderTest.freePort(),
        PortcullisUnderTest.freePort());
    List<String> members = new ArrayList<>(List.of("127.0.0.1:" + portcullisPort));
    nodePorts.forEach(port -> members.add("127.0.0.1:" + port));

    Map<String, String> env = new LinkedHashMap<>(portcullisTls);
    env.put("PORTCULLIS_CLUSTER", "true");
    env.put("PORTCULLIS_CLUSTER_NAME", name);
    env.put("PORTCULLIS_CLUSTER_MEMBERS", String.join(",", members));
    env.put("PORTCULLIS_CLUSTER_HOST", "127.0.0.1");
    env.put("PORTCULLIS_CLUSTER_PORT", String.valueOf(portcullisPort));
    env.put("PORTCULLIS_CLUSTER_FAILURE_DETECTION_SECONDS", "10");
    env.put("PORTCULLIS_GATEWAY_INSTANCES", "1");
    env.put("PORTCULLIS_PROVIDER_INSTANCES", "1");
    env.put("ARCHESTRA_AUTH_SECRET", "cluster-intruder-test-auth-secret-0123456789abcdef");
    env.put("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"));
    env.put("ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS", String.valueOf(UPSTREAM_TIMEOUT_MS));
    // The intruders' calls fail on purpose, often enough to open the upstream's circuit, which
    // would then refuse the genuine calls these tests check; circuits are CircuitBreakersTest's.
    env.put("PORTCULLIS_CIRCUIT_MIN_CALLS", "100000");
    portcullis = PortcullisUnderTest.start(env);
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);

    List<Node> nodes = Future.all(
        join("plaintext-intruder", name, members, nodePorts.get(0), Map.of(ClusterTls.INSECURE, "true")),
        join("foreign-cert-intruder", name, members, nodePorts.get(1), foreignTls),
        join("member", name, members, nodePorts.get(2), memberTls)).await().list();
    plaintextIntruder = nodes.get(0);
    foreignCertIntruder = nodes.get(1);
    member = nodes.get(2);
    for (Node node : nodes) {
      assertThat(node.hazelcast().getNodes()).as("%s joined the Hazelcast cluster", node.name()).hasSize(4);
    }
  }

  private static Future<Node> join(String nodeName, String clusterName, List<String> members, int port,
      Map<String, String> tlsSettings) {
    JsonObject settings = new JsonObject().put("PORTCULLIS_CLUSTER", "true").put("PORTCULLIS_CLUSTER_NAME", clusterName)
        .put("PORTCULLIS_CLUSTER_MEMBERS", String.join(",", members)).put("PORTCULLIS_CLUSTER_HOST", "127.0.0.1")
        .put("PORTCULLIS_CLUSTER_PORT", String.valueOf(port)).put("PORTCULLIS_CLUSTER_FAILURE_DETECTION_SECONDS", "10");
    tlsSettings.forEach(settings::put);
    ClusterSettings options = ClusterSettings.from(new Settings(settings));
    HazelcastClusterManager hazelcast = new HazelcastClusterManager(HazelcastConfigs.of(options));
    return Vertx.builder().with(ClusteredVertx.vertxOptions(options)).withClusterManager(hazelcast).buildClustered()
        .map(vertx -> {
          BusCodecs.register(vertx);
          return new Node(nodeName, vertx, hazelcast);
        });
  }

  @AfterAll
  static void stop() {
    for (Node node : new Node[] {plaintextIntruder, foreignCertIntruder, member}) {
      if (node != null) {
        node.vertx().close().await();
      }
    }
    if (portcullis != null) {
      portcullis.close();
    }
    if (upstreamVertx != null) {
      upstreamVertx.close().await();
    }
  }

  private static List<Node> intruders() {
    return List.of(plaintextIntruder, foreignCertIntruder);
  }

  @Test
  void anIntruderGetsNoDecryptedProviderKeyFromAuthService() {
    String providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "intruder-target").put("apiKey", STORED_KEY)).getString("id");
    String virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "intruder-target")
        .put("providerKeyIds", new JsonArray().add(providerKeyId))).getString("key");
    String proxyId = admin.create("llm-proxies", new JsonObject().put("name", "intruder-target")).getString("id");
    JsonObject client = admin.create("oauth-clients", new JsonObject().put("name", "intruder-target")
        .put("providerKeyIds", new JsonArray().add(providerKeyId)).put("allowedLlmProxyIds", new JsonArray().add(proxyId)));

    for (Node intruder : intruders()) {
      Future<Message<Object>> verify = intruder.vertx().eventBus()
          .request(Addresses.AUTH_VERIFY, new VerifyRequest(virtualKey, "127.0.0.1"), SHORT);
      Future<Message<Object>> oauthClient = intruder.vertx().eventBus()
          .request(Addresses.AUTH_OAUTH_CLIENT, client.getString("clientId"), SHORT);
      assertThat(Future.join(verify, oauthClient).otherwiseEmpty().await()).isNull();
      assertThat(verify.failed()).as("%s asked %s", intruder.name(), Addresses.AUTH_VERIFY).isTrue();
      assertThat(oauthClient.failed()).as("%s asked %s", intruder.name(), Addresses.AUTH_OAUTH_CLIENT).isTrue();
    }

    Object answer = member.vertx().eventBus()
        .request(Addresses.AUTH_VERIFY, new VerifyRequest(virtualKey, "127.0.0.1"), SHORT).await().body();
    assertThat(answer).isInstanceOf(Principal.class);
    assertThat(((Principal) answer).keysFor("openai").get(0).apiKey())
        .as("a member with the cluster's certificate gets the key: the intruders' refusal is not a quirk of the test")
        .isEqualTo(STORED_KEY);
  }

  @Test
  void anIntruderThatConsumesAProviderAddressReceivesNoPromptAndNoRevocation() throws Exception {
    Map<String, List<Object>> received = new LinkedHashMap<>();
    List<MessageConsumer<Object>> consumers = new ArrayList<>();
    int providerRegistrations = registrations(Addresses.provider("openai"));
    for (Node node : List.of(plaintextIntruder, foreignCertIntruder, member)) {
      List<Object> bodies = new CopyOnWriteArrayList<>();
      received.put(node.name(), bodies);
      for (String address : List.of(Addresses.provider("openai"), Addresses.AUTH_EVENTS)) {
        MessageConsumer<Object> consumer = node.vertx().eventBus().consumer(address, message -> {
          bodies.add(message.body());
          message.fail(503, "not a provider");
        });
        consumers.add(consumer);
        consumer.completion().await();
      }
    }
    try {
      // Round robin over every node that consumes the provider's address: some calls go the others' way.
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        calls.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
                .header("Authorization", "Bearer sk-caller-own-key").header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(15))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\""
                    + CANARY_PROMPT + " " + i + "\"}]}")).build(),
            HttpResponse.BodyHandlers.ofString()));
      }
      CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
      String providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
          .put("name", "revoked-soon").put("apiKey", "sk-revoked-soon")).getString("id");
      String virtualKeyId = admin.create("virtual-keys", new JsonObject().put("name", "revoked-soon")
          .put("providerKeyIds", new JsonArray().add(providerKeyId))).getString("id");
      assertThat(admin.send("DELETE", "/api/admin/virtual-keys/" + virtualKeyId, null).statusCode()).isEqualTo(204);
      Thread.sleep(500);

      assertThat(received.get("plaintext-intruder")).as("messages the plaintext intruder received").isEmpty();
      assertThat(received.get("foreign-cert-intruder")).as("messages the foreign-certificate intruder received").isEmpty();
      assertThat(received.get("member")).as("a member with the cluster's certificate receives prompts and events")
          .anySatisfy(body -> assertThat(body).isInstanceOf(ProxyRequest.class)
              .satisfies(r -> assertThat(((ProxyRequest) r).body().toString()).contains(CANARY_PROMPT)))
          .anySatisfy(body -> assertThat(body).isInstanceOf(JsonObject.class));
    } finally {
      for (MessageConsumer<Object> consumer : consumers) {
        consumer.unregister().await();
      }
      // The next test's calls must not be routed to a consumer that is gone but still in a node's view.
      awaitRegistrations(Addresses.provider("openai"), providerRegistrations);
    }
  }

  /** How many consumers the cluster's subscription map holds for an address. */
  private static int registrations(String address) {
    return member.hazelcast().getHazelcastInstance().getMultiMap("__vertx.subs").valueCount(address);
  }

  /**
   * Waits until the cluster's subscription map is back to {@code expected} consumers for an
   * address, then a little longer: every node learns of an unregistration from that map's events.
   */
  private static void awaitRegistrations(String address, int expected) throws InterruptedException {
    for (long until = System.currentTimeMillis() + 10_000;
        registrations(address) != expected && System.currentTimeMillis() < until; ) {
      Thread.sleep(50);
    }
    assertThat(registrations(address)).as("consumers of %s after the intruders left", address).isEqualTo(expected);
    Thread.sleep(500);
  }

  @Test
  void anIntruderCannotHaveAProviderCallMadeWithAServerSideCredential() {
    for (Node intruder : intruders()) {
      upstream.reset();
      upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 1, 1)));
      Future<Message<Object>> call = intruder.vertx().eventBus()
          .request(Addresses.provider("openai"), injectedCall("sk-intruder-chosen"), SHORT);
      assertThat(call.otherwiseEmpty().await()).as(intruder.name()).isNull();
      assertThat(upstream.received()).as("upstream calls made for %s", intruder.name()).isEmpty();
    }
    upstream.reset();
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 1, 1)));
    member.vertx().eventBus().request(Addresses.provider("openai"), injectedCall("sk-member"), SHORT).await();
    assertThat(upstream.received()).singleElement()
        .satisfies(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer sk-member"));
  }

  private static ProxyRequest injectedCall(String key) {
    return ProxyRequest.builder().provider("openai").operation("chat.completions").method("POST")
        .path("/chat/completions").headers(MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"))
        .body(Buffer.buffer("{\"model\":\"gpt-4o\",\"messages\":[]}"))
        .credential(new UpstreamCredential(key, null, Map.of(), true)).requestId("injected").model("gpt-4o")
        .timeoutMs(2000).build();
  }

  @Test
  void anIntruderThatFindsAStreamAddressInTheClusterMapsCannotWriteIntoTheStream() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("genuine", " answer"), 2, 2);
    SseScript script = SseScript.create().data(chunks.get(0)).gate("go").data(chunks.get(1)).data("[DONE]");
    upstream.on("POST", "/v1/chat/completions", script);
    HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(
            URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer sk-caller-own-key").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8));
    assertThat(reader.readLine()).isEqualTo("data: " + chunks.get(0));
    assertThat(reader.readLine()).isEmpty();

    // Hazelcast's subscription map is readable by any member: it names the stream's addresses.
    List<String> streamAddresses = plaintextIntruder.hazelcast().getHazelcastInstance()
        .<String, Object>getMultiMap("__vertx.subs").keySet().stream()
        .filter(address -> address.startsWith(Addresses.STREAM_PREFIX)).toList();
    assertThat(streamAddresses).isNotEmpty();
    for (Node node : List.of(plaintextIntruder, foreignCertIntruder, member)) {
      for (String address : streamAddresses) {
        node.vertx().eventBus().send(address,
            new StreamFrame.Data(Buffer.buffer("data: {\"injected-by\":\"" + node.name() + "\"}\n\n")));
      }
    }
    Thread.sleep(1000);
    script.open("go");
    StringBuilder rest = new StringBuilder();
    for (String line; (line = reader.readLine()) != null; ) {
      rest.append(line).append('\n');
    }
    assertThat(rest.toString()).doesNotContain("plaintext-intruder").doesNotContain("foreign-cert-intruder")
        .contains("data: " + chunks.get(1)).endsWith("data: [DONE]\n\n")
        .as("a member with the cluster's certificate can write into the stream: the address was the right one")
        .contains("\"injected-by\":\"member\"");
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 1, 1)));
  }
}
