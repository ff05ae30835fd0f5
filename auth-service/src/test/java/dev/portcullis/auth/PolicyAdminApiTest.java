package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.policy.document.PolicyDocument;
import dev.portcullis.policy.document.PolicyDocumentParser;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET} and {@code PUT /api/admin/llm-proxies/{id}/policies}. */
class PolicyAdminApiTest {

  private static final String ADMIN_TOKEN = "test-admin-token";
  private static final String AUTH_SECRET = RandomTokens.base62(48);
  private static final String EXAMPLE = """
      {"toolInvocation":[{"id":"send-guard","tool":"send_*","action":"block"},
        {"tool":"fetch_url","argument":"$.url","matches":"^https://intranet\\\\.","action":"block"}],
       "trustedData":{"rules":[{"tool":"read_*","trust":"trusted"}]},
       "sensitiveData":[{"detector":"aws-access-key","action":"block"},{"detector":"email","action":"redact"}]}""";

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private AuthVerticle verticle;
  private AdminClient admin;
  private String proxyId;
  private final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deploy() {
    vertx = Vertx.vertx();
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_EVENTS, m -> events.add(m.body()));
    verticle = new AuthVerticle(new Settings(new JsonObject()
        .put("PORTCULLIS_DATA_DIR", dataDir.toString())
        .put("PORTCULLIS_ADMIN_PORT", "0")
        .put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN)
        .put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET)));
    vertx.deployVerticle(verticle).await();
    admin = new AdminClient(verticle.adminPort(), ADMIN_TOKEN);
    proxyId = admin.create("/api/admin/llm-proxies", new JsonObject().put("name", "agents")).getString("id");
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private String path(String id) {
    return "/api/admin/llm-proxies/" + id + "/policies";
  }

  @Test
  void aProxyWithoutPoliciesAnswersTheEmptyDocument() {
    AdminClient.Answer answer = admin.get(path(proxyId));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(PolicyDocument.EMPTY.toJson());
    assertThat(directory().policies(proxyId)).isNull();
  }

  @Test
  void aValidDocumentIsStoredCanonicalAndReachesTheGateways() throws Exception {
    AdminClient.Answer put = admin.putRaw(path(proxyId), EXAMPLE);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    JsonObject canonical = PolicyDocumentParser.parse(EXAMPLE).toJson();
    assertThat(put.json()).isEqualTo(canonical);
    assertThat(put.json().getJsonObject("trustedData").getString("default")).isEqualTo("untrusted");
    assertThat(put.json().getJsonArray("sensitiveData").getJsonObject(1).getString("direction")).isEqualTo("request");

    assertThat(admin.get(path(proxyId)).json()).isEqualTo(canonical);
    assertThat(new JsonObject(directory().policies(proxyId))).isEqualTo(canonical);
    awaitEvent(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, proxyId));
    // The proxy listing keeps its shape.
    assertThat(admin.get("/api/admin/llm-proxies").json().getJsonArray("data")).allSatisfy(proxy ->
        assertThat(((JsonObject) proxy).fieldNames())
            .containsExactlyInAnyOrder("id", "name", "isDefault", "auditBodies", "fallbacks"));

    AdminClient.Answer cleared = admin.put(path(proxyId), new JsonObject());
    assertThat(cleared.status()).isEqualTo(200);
    assertThat(cleared.json()).isEqualTo(PolicyDocument.EMPTY.toJson());
    assertThat(directory().policies(proxyId)).isNull();
    assertThat(directory().policies()).isEmpty();
  }

  @Test
  void theDefaultProxyTakesPoliciesToo() {
    String defaultId = directory().defaultId();
    assertThat(admin.putRaw(path(defaultId), EXAMPLE).status()).isEqualTo(200);
    assertThat(directory().policies(null)).isNotNull();
  }

  @Test
  void eachKindOfInvalidDocumentIsA400NamingTheField() {
    assertField(admin.putRaw(path(proxyId), "{\"toolInvocation\":[],\"rules\":[]}"), "rules");
    assertField(admin.putRaw(path(proxyId), "{\"toolInvocation\":{}}"), "toolInvocation");
    assertField(admin.putRaw(path(proxyId), tool("{\"tool\":\"a\",\"action\":\"deny\"}")), "toolInvocation[0].action");
    assertField(admin.putRaw(path(proxyId), tool("{\"tool\":\"\",\"action\":\"block\"}")), "toolInvocation[0].tool");
    assertField(admin.putRaw(path(proxyId), tool("{\"tool\":\"a[b]\",\"action\":\"block\"}")), "toolInvocation[0].tool");
    assertField(admin.putRaw(path(proxyId), tool("{\"tool\":\"a\",\"argument\":\"$.x\",\"matches\":\"(?=x)\","
        + "\"action\":\"block\"}")), "toolInvocation[0].matches");
    assertField(admin.putRaw(path(proxyId), tool("{\"tool\":\"a\",\"argument\":\"x.y\",\"equals\":1,"
        + "\"action\":\"block\"}")), "toolInvocation[0].argument");
    assertField(admin.putRaw(path(proxyId), tool("{\"tool\":\"" + "a".repeat(4097) + "\",\"action\":\"block\"}")),
        "toolInvocation[0].tool");
    String rule = "{\"tool\":\"a\",\"action\":\"block\"}";
    assertField(admin.putRaw(path(proxyId), "{\"toolInvocation\":[" + String.join(",", Collections.nCopies(1001, rule))
        + "]}"), "toolInvocation");
    assertField(admin.putRaw(path(proxyId), "{\"trustedData\":{\"default\":\"blocked\"}}"), "trustedData.default");
    assertField(admin.putRaw(path(proxyId), "{\"sensitiveData\":[{\"detector\":\"ssn\",\"action\":\"block\"}]}"),
        "sensitiveData[0].detector");
    assertField(admin.putRaw(path(proxyId), "{\"sensitiveData\":[{\"detector\":\"email\",\"action\":\"block\"},"
        + "{\"detector\":\"email\",\"action\":\"log\"}]}"), "sensitiveData[1].detector");
    assertField(admin.putRaw(path(proxyId), "[]"), null);
    assertField(admin.putRaw(path(proxyId), "{not json"), null);
    assertField(admin.putRaw(path(proxyId), "{\"toolInvocation\":[],\"toolInvocation\":[]}"), null);

    // Nothing was stored by any of them.
    assertThat(admin.get(path(proxyId)).json()).isEqualTo(PolicyDocument.EMPTY.toJson());
  }

  @Test
  void anUnknownProxyIsA404() {
    assertThat(admin.get(path("no-such-proxy")).status()).isEqualTo(404);
    assertThat(admin.putRaw(path("no-such-proxy"), EXAMPLE).status()).isEqualTo(404);
  }

  @Test
  void withoutTheAdminTokenItIsA401BeforeTheBodyIsRead() throws Exception {
    AdminClient anonymous = new AdminClient(verticle.adminPort(), null);
    assertThat(anonymous.get(path(proxyId)).status()).isEqualTo(401);
    assertThat(new AdminClient(verticle.adminPort(), "wrong").putRaw(path(proxyId), EXAMPLE).status()).isEqualTo(401);

    // Headers announcing a body that never comes: the answer cannot have waited for it.
    try (Socket socket = new Socket("127.0.0.1", verticle.adminPort())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("PUT " + path(proxyId) + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100000\r\n\r\n{\"toolInvocation\":").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      String status = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
          .readLine();
      assertThat(status).startsWith("HTTP/1.1 401");
    }
    assertThat(admin.get(path(proxyId)).json()).isEqualTo(PolicyDocument.EMPTY.toJson());
  }

  @Test
  void aBodyOverTheLimitIsA413() {
    String huge = "{\"toolInvocation\":[{\"tool\":\"" + "a".repeat(2 << 20) + "\",\"action\":\"block\"}]}";
    assertThat(admin.putRaw(path(proxyId), huge).status()).isEqualTo(413);
  }

  private static String tool(String rule) {
    return "{\"toolInvocation\":[" + rule + "]}";
  }

  private LlmProxyDirectory directory() {
    return vertx.eventBus().<LlmProxyDirectory>request(Addresses.AUTH_PROXIES, "list").await().body();
  }

  private void awaitEvent(JsonObject expected) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 2_000;
    while (!events.contains(expected) && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(events).contains(expected);
  }

  private static void assertField(AdminClient.Answer answer, String field) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(400);
    JsonObject error = answer.json().getJsonObject("error");
    assertThat(error.getString("field")).as(answer.body()).isEqualTo(field);
    assertThat(error.getString("message")).isNotBlank();
    assertThat(answer.body().length()).isLessThan(1_000);
  }
}
