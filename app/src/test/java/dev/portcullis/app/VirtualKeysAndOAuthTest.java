package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.PermissionDeniedException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Virtual keys and OAuth clients end to end: made with the admin API, used with openai-java, and
 * the upstream only ever sees the stored provider key.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VirtualKeysAndOAuthTest {

  private static final String STORED_KEY = "sk-stored-provider-key-ABCDEF0123456789";
  private static final ChatCompletionCreateParams PARAMS = ChatCompletionCreateParams.builder()
      .model("gpt-4o").addUserMessage("hello").build();

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static String providerKeyId;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "hi", 2, 1)));
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team-openai").put("apiKey", STORED_KEY)).getString("id");
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static OpenAIClient client(String key, String proxyId) {
    return OpenAIOkHttpClient.builder()
        .baseUrl(portcullis.providerUrl("openai") + (proxyId == null ? "" : "/" + proxyId))
        .apiKey(key).maxRetries(0).build();
  }

  private static JsonObject virtualKey(String name) {
    return admin.create("virtual-keys", new JsonObject().put("name", name)
        .put("providerKeyIds", new JsonArray().add(providerKeyId)));
  }

  private static void assertOnlyTheStoredKeyWentUpstream(RecordedRequest received, String clientSecret) {
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + STORED_KEY);
    String everything = received.headers().toString() + received.query() + received.bodyText();
    assertThat(everything).doesNotContain(clientSecret);
  }

  @Test
  void virtualKeyIsReplacedByTheStoredKeyAndNeverLeavesTheProxy() {
    String key = virtualKey("app-1").getString("key");
    assertThat(key).startsWith("pc-vk-").hasSizeGreaterThanOrEqualTo(6 + 32);

    OpenAIClient client = client(key, null);
    ChatCompletion completion = client.chat().completions().create(PARAMS);
    assertThat(completion.choices().get(0).message().content()).hasValue("hi");
    client.close();
    assertOnlyTheStoredKeyWentUpstream(upstream.last(), key);
  }

  @Test
  void aVirtualKeyWithTwoWeightedKeysOfOneProviderCallsThroughOneOfThem() {
    String secondKey = "sk-second-stored-key-0123456789ABCDEF";
    String secondId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team-openai-second").put("apiKey", secondKey)).getString("id");
    JsonObject created = admin.create("virtual-keys", new JsonObject().put("name", "two-keys")
        .put("providerKeys", new JsonArray().add(new JsonObject().put("id", providerKeyId).put("weight", 3))
            .add(new JsonObject().put("id", secondId))));
    JsonObject listed = new JsonObject(admin.send("GET", "/api/admin/virtual-keys", null).body()).getJsonArray("data")
        .stream().map(JsonObject.class::cast).filter(k -> k.getString("id").equals(created.getString("id")))
        .findFirst().orElseThrow();
    assertThat(listed.getJsonArray("providerKeys")).containsExactly(
        new JsonObject().put("id", providerKeyId).put("provider", "openai").put("weight", 3),
        new JsonObject().put("id", secondId).put("provider", "openai").put("weight", 1));

    // Which of the two keys the gateway picks is its business: one of them, and only a stored one.
    OpenAIClient client = client(created.getString("key"), null);
    ChatCompletion completion = client.chat().completions().create(PARAMS);
    assertThat(completion.choices().get(0).message().content()).hasValue("hi");
    client.close();
    RecordedRequest received = upstream.last();
    assertThat(received.header("Authorization")).isIn("Bearer " + STORED_KEY, "Bearer " + secondKey);
    assertThat(received.headers().toString() + received.query() + received.bodyText())
        .doesNotContain(created.getString("key"));
  }

  @Test
  void deletedVirtualKeyStopsWorkingWithinOneSecond() throws Exception {
    JsonObject created = virtualKey("app-to-delete");
    OpenAIClient client = client(created.getString("key"), null);
    client.chat().completions().create(PARAMS); // cached by the gateway now
    assertThat(admin.send("DELETE", "/api/admin/virtual-keys/" + created.getString("id"), null).statusCode()).isEqualTo(204);
    long deadline = System.nanoTime() + 1_000_000_000L;
    boolean refused = false;
    while (!refused && System.nanoTime() < deadline) {
      try {
        client.chat().completions().create(PARAMS);
        Thread.sleep(50);
      } catch (UnauthorizedException e) {
        refused = true;
      }
    }
    assertThat(refused).as("401 within a second of the delete").isTrue();
    client.close();
  }

  @Test
  void expiredVirtualKeyIs401() throws Exception {
    JsonObject created = admin.create("virtual-keys", new JsonObject().put("name", "short-lived")
        .put("providerKeyIds", new JsonArray().add(providerKeyId))
        .put("expiresAt", Instant.now().plusMillis(1200).toString()));
    OpenAIClient client = client(created.getString("key"), null);
    client.chat().completions().create(PARAMS);
    Thread.sleep(1500);
    assertThatThrownBy(() -> client.chat().completions().create(PARAMS)).isInstanceOf(UnauthorizedException.class)
        .hasMessageContaining("expired");
    client.close();
  }

  @Test
  void oauthClientGetsATokenByFormAndBasicAndIsLimitedToItsProxies() throws Exception {
    String proxyA = admin.create("llm-proxies", new JsonObject().put("name", "proxy-a")).getString("id");
    String proxyB = admin.create("llm-proxies", new JsonObject().put("name", "proxy-b")).getString("id");
    JsonObject oauthClient = admin.create("oauth-clients", new JsonObject().put("name", "backend")
        .put("providerKeyIds", new JsonArray().add(providerKeyId)).put("allowedLlmProxyIds", new JsonArray().add(proxyA)));
    String clientId = oauthClient.getString("clientId");
    String secret = oauthClient.getString("clientSecret");

    HttpResponse<String> byForm = token("grant_type=client_credentials&client_id=" + enc(clientId)
        + "&client_secret=" + enc(secret) + "&scope=llm%3Aproxy", null);
    assertThat(byForm.statusCode()).isEqualTo(200);
    JsonObject tokenJson = new JsonObject(byForm.body());
    assertThat(tokenJson.getString("token_type")).isEqualTo("Bearer");
    assertThat(tokenJson.getInteger("expires_in")).isEqualTo(3600);
    assertThat(tokenJson.getString("scope")).isEqualTo("llm:proxy");

    HttpResponse<String> byBasic = token("grant_type=client_credentials", clientId + ":" + secret);
    assertThat(byBasic.statusCode()).isEqualTo(200);
    String accessToken = new JsonObject(byBasic.body()).getString("access_token");

    OpenAIClient onA = client(accessToken, proxyA);
    onA.chat().completions().create(PARAMS);
    onA.close();
    assertOnlyTheStoredKeyWentUpstream(upstream.last(), accessToken);
    assertThatThrownBy(() -> client(accessToken, proxyB).chat().completions().create(PARAMS))
        .isInstanceOf(PermissionDeniedException.class);

    HttpResponse<String> wrongSecret = token("grant_type=client_credentials&client_id=" + enc(clientId)
        + "&client_secret=wrong", null);
    assertThat(wrongSecret.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrongSecret.body()).getString("error")).isEqualTo("invalid_client");
    assertThat(token("grant_type=password", clientId + ":" + secret).statusCode()).isEqualTo(400);
    assertThat(new JsonObject(token("grant_type=client_credentials&scope=admin", clientId + ":" + secret).body())
        .getString("error")).isEqualTo("invalid_scope");

    String[] parts = accessToken.split("\\.");
    String forged = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding()
        .encodeToString("not-the-signature-at-all-0123456789".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> client(forged, proxyA).chat().completions().create(PARAMS))
        .isInstanceOf(UnauthorizedException.class);
  }

  @Test
  void llmProxyIdsSelectKnownProxiesAndUnknownOnesAre404() throws Exception {
    String key = virtualKey("proxy-ids").getString("key");
    String proxy = admin.create("llm-proxies", new JsonObject().put("name", "known")).getString("id");
    OpenAIClient known = client(key, proxy);
    known.chat().completions().create(PARAMS);
    known.close();
    HttpResponse<String> unknown = post("/v1/openai/0b5e0c9e-4b0e-4a7e-9f37-1a2b3c4d5e6f/chat/completions", key);
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(unknown.body()).getJsonObject("error").getString("message")).contains("not found");
  }

  @Test
  void keyLimitedToOtherProxiesIs403AndMissingProviderMappingIs403() throws Exception {
    String other = admin.create("llm-proxies", new JsonObject().put("name", "other")).getString("id");
    String limited = admin.create("virtual-keys", new JsonObject().put("name", "limited")
        .put("providerKeyIds", new JsonArray().add(providerKeyId)).put("llmProxyIds", new JsonArray().add(other)))
        .getString("key");
    assertThat(post("/v1/openai/chat/completions", limited).statusCode()).isEqualTo(403);

    String anthropicKeyId = admin.create("provider-keys", new JsonObject().put("provider", "anthropic")
        .put("name", "claude").put("apiKey", "sk-ant-stored")).getString("id");
    String anthropicOnly = admin.create("virtual-keys", new JsonObject().put("name", "anthropic-only")
        .put("providerKeyIds", new JsonArray().add(anthropicKeyId))).getString("key");
    HttpResponse<String> noMapping = post("/v1/openai/chat/completions", anthropicOnly);
    assertThat(noMapping.statusCode()).isEqualTo(403);
    assertThat(new JsonObject(noMapping.body()).getJsonObject("error").getString("message"))
        .contains("no provider key for openai");
    assertThat(upstream.received()).isEmpty();
  }

  /** Last: once tripped, the limiter refuses every unknown virtual key from this address for a minute. */
  @Test
  @Order(Integer.MAX_VALUE)
  void repeatedFailedLookupsFromOneAddressAre429ButAValidKeyStillWorks() throws Exception {
    String valid = virtualKey("still-works").getString("key");
    // Deleted keys: well formed (their checksum is right), so each one is looked up and fails.
    // Made-up keys never reach the lookup, so they could not trip the limiter at all.
    java.util.List<String> deleted = new java.util.ArrayList<>();
    for (int i = 0; i < 12; i++) {
      JsonObject key = virtualKey("deleted-" + i);
      admin.send("DELETE", "/api/admin/virtual-keys/" + key.getString("id"), null);
      deleted.add(key.getString("key"));
    }
    // Earlier tests of this class failed a few lookups too (deleted and expired keys), so the
    // limit is reached within at most 11 more, and from then on every unknown key is 429.
    java.util.List<Integer> statuses = new java.util.ArrayList<>();
    for (int i = 0; i < 11 && !statuses.contains(429); i++) {
      statuses.add(post("/v1/openai/chat/completions", deleted.get(i)).statusCode());
    }
    assertThat(statuses).last().isEqualTo(429);
    assertThat(statuses.subList(0, statuses.size() - 1)).containsOnly(401);
    HttpResponse<String> limited = post("/v1/openai/chat/completions", deleted.get(11));
    assertThat(limited.statusCode()).isEqualTo(429);
    assertThat(new JsonObject(limited.body()).getJsonObject("error").getString("type")).isEqualTo("rate_limit_error");
    assertThat(post("/v1/openai/chat/completions", valid).statusCode()).as("a valid key from the limited address")
        .isEqualTo(200);
  }

  @Test
  void callsWithoutAnyKeyAre401InOpenAiFormat() throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(response.body()).getJsonObject("error").getString("type")).isEqualTo("authentication_error");
  }

  @Test
  void adminCallsNeedTheAdminTokenAndListsNeverShowSecrets() {
    assertThat(new AdminClient(portcullis.adminUrl(), null).send("GET", "/api/admin/virtual-keys", null).statusCode()).isEqualTo(401);
    assertThat(new AdminClient(portcullis.adminUrl(), "wrong").send("GET", "/api/admin/provider-keys", null).statusCode()).isEqualTo(401);
    String key = virtualKey("listed").getString("key");
    for (String kind : new String[] {"provider-keys", "virtual-keys", "oauth-clients", "llm-proxies"}) {
      HttpResponse<String> list = admin.send("GET", "/api/admin/" + kind, null);
      assertThat(list.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(list.body()).getJsonArray("data")).isNotNull();
      assertThat(list.body()).doesNotContain(STORED_KEY).doesNotContain(key);
    }
  }

  private static HttpResponse<String> post(String path, String bearer) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.url(path)))
        .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> token(String form, String basic) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(portcullis.url("/api/auth/oauth2/token")))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    if (basic != null) {
      builder.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
