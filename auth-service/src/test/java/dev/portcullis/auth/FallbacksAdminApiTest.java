package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An LLM proxy's model-router fallbacks: {@code fallbacks} on {@code POST} and {@code PATCH
 * /api/admin/llm-proxies[/{id}]}, and {@code GET}, {@code PUT}, {@code DELETE
 * /api/admin/llm-proxies/{id}/fallbacks}; stored canonical and served in the proxy directory.
 */
class FallbacksAdminApiTest {

  private static final String ADMIN_TOKEN = "test-admin-token";
  private static final String AUTH_SECRET = RandomTokens.base62(48);
  /** Keys out of order, spaces: what an operator might send. */
  private static final String EXAMPLE = """
      {"openai:gpt-4o": ["anthropic:claude-sonnet-4-5", "bedrock:anthropic.claude-3-haiku"],
       "anthropic:claude-sonnet-4-5": ["openai:gpt-4o"]}""";
  private static final String CANONICAL = "{\"anthropic:claude-sonnet-4-5\":[\"openai:gpt-4o\"],"
      + "\"openai:gpt-4o\":[\"anthropic:claude-sonnet-4-5\",\"bedrock:anthropic.claude-3-haiku\"]}";
  private static final String PROXIES = "/api/admin/llm-proxies";

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
    proxyId = admin.create(PROXIES, new JsonObject().put("name", "agents")).getString("id");
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static String path(String id) {
    return PROXIES + "/" + id + "/fallbacks";
  }

  @Test
  void aProxyWithoutFallbacksShowsTheEmptyObjectAndTheDirectoryHasNone() {
    AdminClient.Answer answer = admin.get(path(proxyId));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.json()).isEqualTo(new JsonObject());
    assertThat(listed(proxyId).getJsonObject("fallbacks")).isEqualTo(new JsonObject());
    assertThat(directory().fallbacks(proxyId)).isNull();
    assertThat(directory().fallbacks()).isEmpty();
  }

  @Test
  void fallbacksGivenAtCreationAreStoredCanonicalShownAndServed() throws Exception {
    AdminClient.Answer created = admin.postRaw(PROXIES, "{\"name\":\"routed\",\"fallbacks\":" + EXAMPLE + "}");
    assertThat(created.status()).as(created.body()).isEqualTo(201);
    String id = created.json().getString("id");
    assertThat(created.json().getJsonObject("fallbacks")).isEqualTo(new JsonObject(CANONICAL));

    assertThat(admin.get(path(id)).body()).isEqualTo(CANONICAL);
    assertThat(listed(id).getJsonObject("fallbacks").encode()).isEqualTo(CANONICAL);
    // The gateways get the stored text as is: keys sorted, compact, each list in its given order.
    assertThat(directory().fallbacks(id)).isEqualTo(CANONICAL);
    awaitEvent(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, id));

    // Null or {} at creation is none.
    String none = admin.create(PROXIES, new JsonObject().put("name", "none").putNull("fallbacks")).getString("id");
    String empty = admin.create(PROXIES, new JsonObject().put("name", "empty").put("fallbacks", new JsonObject()))
        .getString("id");
    assertThat(directory().fallbacks(none)).isNull();
    assertThat(directory().fallbacks(empty)).isNull();
    assertThat(admin.get(path(empty)).json()).isEqualTo(new JsonObject());
  }

  @Test
  void putReplacesThemDeleteAndTheEmptyObjectRemoveThemAndEachChangeReachesTheGateways() throws Exception {
    AdminClient.Answer put = admin.putRaw(path(proxyId), EXAMPLE);
    assertThat(put.status()).as(put.body()).isEqualTo(200);
    assertThat(put.body()).isEqualTo(CANONICAL);
    assertThat(admin.get(path(proxyId)).body()).isEqualTo(CANONICAL);
    assertThat(directory().fallbacks(proxyId)).isEqualTo(CANONICAL);
    awaitEvent(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, proxyId));

    String other = "{\"openai:gpt-4o-mini\":[\"groq:llama-3.3-70b-versatile\"]}";
    assertThat(admin.putRaw(path(proxyId), other).body()).isEqualTo(other);
    assertThat(directory().fallbacks(proxyId)).isEqualTo(other);

    events.clear();
    AdminClient.Answer cleared = admin.put(path(proxyId), new JsonObject());
    assertThat(cleared.status()).isEqualTo(200);
    assertThat(cleared.json()).isEqualTo(new JsonObject());
    assertThat(directory().fallbacks(proxyId)).isNull();
    awaitEvent(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, proxyId));

    admin.putRaw(path(proxyId), EXAMPLE);
    events.clear();
    assertThat(admin.delete(path(proxyId)).status()).isEqualTo(204);
    assertThat(admin.get(path(proxyId)).json()).isEqualTo(new JsonObject());
    assertThat(directory().fallbacks(proxyId)).isNull();
    awaitEvent(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, proxyId));
    // Deleting none is not an error.
    assertThat(admin.delete(path(proxyId)).status()).isEqualTo(204);
  }

  @Test
  void patchChangesFallbacksAuditBodiesOrBothAndLeavesWhatItDoesNotName() throws Exception {
    AdminClient.Answer both = admin.patch(PROXIES + "/" + proxyId, new JsonObject(
        "{\"auditBodies\":\"full\",\"fallbacks\":" + EXAMPLE + "}"));
    assertThat(both.status()).as(both.body()).isEqualTo(200);
    assertThat(both.json().getString("auditBodies")).isEqualTo("full");
    assertThat(both.json().getJsonObject("fallbacks").encode()).isEqualTo(CANONICAL);
    awaitEvent(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, proxyId));

    AdminClient.Answer audit = admin.patch(PROXIES + "/" + proxyId, new JsonObject().put("auditBodies", "metadata"));
    assertThat(audit.json().getString("auditBodies")).isEqualTo("metadata");
    assertThat(audit.json().getJsonObject("fallbacks").encode()).isEqualTo(CANONICAL);

    String other = "{\"openai:gpt-4o\":[\"azure:gpt-4o\"]}";
    AdminClient.Answer fallbacks = admin.patch(PROXIES + "/" + proxyId,
        new JsonObject().put("fallbacks", new JsonObject(other)));
    assertThat(fallbacks.json().getString("auditBodies")).isEqualTo("metadata");
    assertThat(fallbacks.json().getJsonObject("fallbacks").encode()).isEqualTo(other);
    assertThat(directory().fallbacks(proxyId)).isEqualTo(other);
    assertThat(directory().auditLevel(proxyId)).isEqualTo("metadata");

    AdminClient.Answer removed = admin.patch(PROXIES + "/" + proxyId, new JsonObject().putNull("fallbacks"));
    assertThat(removed.status()).isEqualTo(200);
    assertThat(removed.json().getJsonObject("fallbacks")).isEqualTo(new JsonObject());
    assertThat(directory().fallbacks(proxyId)).isNull();

    // An empty PATCH still names what it needs.
    assertField(admin.patch(PROXIES + "/" + proxyId, new JsonObject()), "auditBodies");
  }

  @Test
  void theDefaultProxyTakesFallbacksToo() {
    String defaultId = directory().defaultId();
    assertThat(admin.putRaw(path(defaultId), EXAMPLE).status()).isEqualTo(200);
    assertThat(directory().fallbacks(null)).isEqualTo(CANONICAL);
  }

  @Test
  void theLimitsThemselvesAreAccepted() {
    JsonObject hundred = new JsonObject();
    for (int i = 0; i < 100; i++) {
      hundred.put("openai:model-" + i, new JsonArray().add("anthropic:a").add("anthropic:b").add("anthropic:c")
          .add("anthropic:d").add("bedrock:" + "m".repeat(200)));
    }
    AdminClient.Answer answer = admin.put(path(proxyId), hundred);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().size()).isEqualTo(100);
    // Native ids keep their own colons: only the first one separates the provider.
    assertThat(admin.putRaw(path(proxyId), "{\"bedrock:amazon.nova-pro-v1:0\":[\"bedrock:amazon.nova-lite-v1:0\"]}")
        .status()).isEqualTo(200);
  }

  @Test
  void everyKindOfInvalidFallbacksIsA400NamingTheFieldAndNothingIsStored() {
    admin.putRaw(path(proxyId), EXAMPLE);
    int proxiesBefore = admin.get(PROXIES).json().getJsonArray("data").size();
    String key = "fallbacks[\"openai:gpt-4o\"]";

    List<Refusal> refusals = List.of(
        new Refusal("[]", "fallbacks"),
        new Refusal("\"openai:gpt-4o\"", "fallbacks"),
        new Refusal("3", "fallbacks"),
        new Refusal(manyModels(101), "fallbacks"),
        // A key that is no provider:model.
        new Refusal("{\"gpt-4o\":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\"gpt-4o\"]"),
        new Refusal("{\":gpt-4o\":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\":gpt-4o\"]"),
        new Refusal("{\"nope:gpt-4o\":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\"nope:gpt-4o\"]"),
        new Refusal("{\"OpenAI:gpt-4o\":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\"OpenAI:gpt-4o\"]"),
        new Refusal("{\"openai:\":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\"openai:\"]"),
        new Refusal("{\"openai: \":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\"openai: \"]"),
        new Refusal("{\"openai:gpt\\u0000\":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\"openai:gpt\\u0000\"]"),
        new Refusal("{\"openai:gpt-4o\\n\":[\"anthropic:claude-sonnet-4-5\"]}", "fallbacks[\"openai:gpt-4o\\n\"]"),
        new Refusal("{\"openai:" + "m".repeat(201) + "\":[\"anthropic:claude-sonnet-4-5\"]}",
            "fallbacks[\"openai:" + "m".repeat(57) + "...\"]"),
        // A list that is no list of 1 to 5 other models, each once.
        new Refusal("{\"openai:gpt-4o\":\"anthropic:claude-sonnet-4-5\"}", key),
        new Refusal("{\"openai:gpt-4o\":{}}", key),
        new Refusal("{\"openai:gpt-4o\":null}", key),
        new Refusal("{\"openai:gpt-4o\":[]}", key),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:a\",\"anthropic:b\",\"anthropic:c\",\"anthropic:d\","
            + "\"anthropic:e\",\"anthropic:f\"]}", key),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:a\",\"anthropic:b\",\"anthropic:a\"]}", key + "[2]"),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:a\",\"openai:gpt-4o\"]}", key + "[1]"),
        // An entry that is no provider:model.
        new Refusal("{\"openai:gpt-4o\":[7]}", key + "[0]"),
        new Refusal("{\"openai:gpt-4o\":[null]}", key + "[0]"),
        new Refusal("{\"openai:gpt-4o\":[[\"anthropic:a\"]]}", key + "[0]"),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:a\",\"claude-sonnet-4-5\"]}", key + "[1]"),
        new Refusal("{\"openai:gpt-4o\":[\"nope:claude\"]}", key + "[0]"),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:\"]}", key + "[0]"),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:claude\\t\"]}", key + "[0]"),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:claude\\u007f\"]}", key + "[0]"),
        new Refusal("{\"openai:gpt-4o\":[\"anthropic:" + "m".repeat(201) + "\"]}", key + "[0]"));

    for (Refusal refusal : refusals) {
      assertField(admin.putRaw(path(proxyId), refusal.fallbacks()), refusal.field());
      assertField(admin.postRaw(PROXIES, "{\"name\":\"refused\",\"fallbacks\":" + refusal.fallbacks() + "}"),
          refusal.field());
      assertField(admin.patch(PROXIES + "/" + proxyId, new JsonObject("{\"auditBodies\":\"full\",\"fallbacks\":"
          + refusal.fallbacks() + "}")), refusal.field());
    }
    // A PUT body that is no JSON object at all names the field too.
    assertField(admin.putRaw(path(proxyId), "{not json"), "fallbacks");
    assertField(admin.putRaw(path(proxyId), ""), "fallbacks");
    assertField(admin.putRaw(path(proxyId), "{\"openai:gpt-4o\":[\"anthropic:a\"],\"openai:gpt-4o\":[\"anthropic:b\"]}"),
        "fallbacks");

    // Nothing was stored by any of them, not even the audit level sent beside them.
    assertThat(admin.get(path(proxyId)).body()).isEqualTo(CANONICAL);
    assertThat(directory().fallbacks(proxyId)).isEqualTo(CANONICAL);
    assertThat(listed(proxyId).getString("auditBodies")).isEqualTo("none");
    assertThat(admin.get(PROXIES).json().getJsonArray("data")).hasSize(proxiesBefore);
  }

  @Test
  void anUnknownProxyIsA404() {
    assertThat(admin.get(path("no-such-proxy")).status()).isEqualTo(404);
    assertThat(admin.putRaw(path("no-such-proxy"), EXAMPLE).status()).isEqualTo(404);
    assertThat(admin.delete(path("no-such-proxy")).status()).isEqualTo(404);
    assertThat(admin.patch(PROXIES + "/no-such-proxy", new JsonObject().put("fallbacks", new JsonObject(EXAMPLE)))
        .status()).isEqualTo(404);
  }

  @Test
  void withoutTheAdminTokenItIsA401() {
    AdminClient anonymous = new AdminClient(verticle.adminPort(), null);
    assertThat(anonymous.get(path(proxyId)).status()).isEqualTo(401);
    assertThat(anonymous.putRaw(path(proxyId), EXAMPLE).status()).isEqualTo(401);
    assertThat(new AdminClient(verticle.adminPort(), "wrong").delete(path(proxyId)).status()).isEqualTo(401);
    assertThat(admin.get(path(proxyId)).json()).isEqualTo(new JsonObject());
  }

  private record Refusal(String fallbacks, String field) {}

  private static String manyModels(int count) {
    JsonObject many = new JsonObject();
    for (int i = 0; i < count; i++) {
      many.put("openai:model-" + i, new JsonArray().add("anthropic:claude-sonnet-4-5"));
    }
    return many.encode();
  }

  private JsonObject listed(String id) {
    Function<Object, JsonObject> cast = JsonObject.class::cast;
    return admin.get(PROXIES).json().getJsonArray("data").stream().map(cast)
        .filter(proxy -> proxy.getString("id").equals(id)).findFirst().orElseThrow();
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
