package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.auth.admin.AdminApi;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.math.BigInteger;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminApiTest {

  private static final String ADMIN_TOKEN = "test-admin-token";
  private static final String OPENAI_KEY = "sk-test-openai-0123456789abcdef";
  /** Generated per run: a literal secret in a test would be a published one. */
  private static final String AUTH_SECRET = RandomTokens.base62(48);

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private AuthVerticle verticle;
  private String deploymentId;
  private AdminClient admin;
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
    deploymentId = vertx.deployVerticle(verticle).await();
    admin = new AdminClient(verticle.adminPort(), ADMIN_TOKEN);
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void everyCallNeedsTheAdminToken() {
    AdminClient anonymous = new AdminClient(verticle.adminPort(), null);
    AdminClient wrong = new AdminClient(verticle.adminPort(), "not-the-token");
    assertThat(anonymous.get("/api/admin/provider-keys").status()).isEqualTo(401);
    assertThat(wrong.post("/api/admin/llm-proxies", new JsonObject().put("name", "x")).status()).isEqualTo(401);
    assertThat(wrong.delete("/api/admin/virtual-keys/abc").status()).isEqualTo(401);
    assertThat(admin.get("/api/admin/llm-proxies").status()).isEqualTo(200);
  }

  @Test
  void theDefaultProxyExistsFromTheFirstStart() {
    JsonArray proxies = admin.get("/api/admin/llm-proxies").json().getJsonArray("data");
    assertThat(proxies).hasSize(1);
    assertThat(proxies.getJsonObject(0).getBoolean("isDefault")).isTrue();
    assertThat(proxies.getJsonObject(0).fieldNames())
        .containsExactlyInAnyOrder("id", "name", "isDefault", "auditBodies", "fallbacks");
    assertThat(proxies.getJsonObject(0).getJsonObject("fallbacks")).isEqualTo(new JsonObject());
    assertThat(proxies.getJsonObject(0).getString("auditBodies")).isEqualTo("none");
  }

  @Test
  void createdRecordsHaveTheDocumentedShapes() {
    JsonObject key = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team").put("apiKey", OPENAI_KEY).put("baseUrl", "http://127.0.0.1:1/v1")
        .put("extraHeaders", new JsonObject().put("OpenAI-Project", "proj_1")));
    assertThat(key.fieldNames()).containsExactlyInAnyOrder("id", "provider", "name", "baseUrl", "inferenceUrl", "createdAt");
    assertThat(key.encode()).doesNotContain(OPENAI_KEY);

    JsonObject proxy = admin.create("/api/admin/llm-proxies", new JsonObject().put("name", "team-a"));
    assertThat(proxy.fieldNames()).containsExactlyInAnyOrder("id", "name", "isDefault", "auditBodies", "fallbacks");
    assertThat(proxy.getBoolean("isDefault")).isFalse();

    String expiry = Instant.now().plusSeconds(3600).toString();
    JsonObject virtualKey = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "ci")
        .put("providerKeyIds", new JsonArray().add(key.getString("id")))
        .put("llmProxyIds", new JsonArray().add(proxy.getString("id"))).put("expiresAt", expiry));
    assertThat(virtualKey.fieldNames()).containsExactlyInAnyOrder("id", "name", "key", "providers", "expiresAt");
    assertThat(virtualKey.getString("key")).matches("pc-vk-[0-9A-Za-z]{51}");
    assertThat(virtualKey.getJsonArray("providers")).containsExactly("openai");
    assertThat(Instant.parse(virtualKey.getString("expiresAt")).getEpochSecond())
        .isEqualTo(Instant.parse(expiry).getEpochSecond());

    JsonObject client = admin.create("/api/admin/oauth-clients", new JsonObject().put("name", "bot")
        .put("providerKeyIds", new JsonArray().add(key.getString("id")))
        .put("allowedLlmProxyIds", new JsonArray().add(proxy.getString("id"))));
    assertThat(client.fieldNames()).containsExactlyInAnyOrder("id", "clientId", "clientSecret");
  }

  @Test
  void listsNeverShowASecret() {
    JsonObject key = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team").put("apiKey", OPENAI_KEY).put("extraHeaders", new JsonObject().put("X-Secret", "hdr-secret")));
    JsonObject virtualKey = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "ci")
        .put("providerKeyIds", new JsonArray().add(key.getString("id"))));
    JsonObject client = admin.create("/api/admin/oauth-clients", new JsonObject().put("name", "bot")
        .put("providerKeyIds", new JsonArray().add(key.getString("id")))
        .put("allowedLlmProxyIds", new JsonArray().add(defaultProxyId())));

    String everything = admin.get("/api/admin/provider-keys").body() + admin.get("/api/admin/virtual-keys").body()
        + admin.get("/api/admin/oauth-clients").body() + admin.get("/api/admin/llm-proxies").body();
    assertThat(everything)
        .doesNotContain(OPENAI_KEY)
        .doesNotContain("hdr-secret")
        .doesNotContain(virtualKey.getString("key"))
        .doesNotContain(CredentialHash.sha256Hex(virtualKey.getString("key")))
        .doesNotContain(client.getString("clientSecret"))
        .contains(client.getString("clientId"), virtualKey.getString("id"));
  }

  @Test
  void validationNamesTheField() {
    assertField(admin.post("/api/admin/provider-keys", new JsonObject().put("provider", "openia").put("name", "x")),
        400, "provider");
    assertField(admin.post("/api/admin/provider-keys", new JsonObject().put("provider", "openai")), 400, "name");
    assertField(admin.post("/api/admin/provider-keys", new JsonObject().put("provider", "openai").put("name", "x")
        .put("baseUrl", "ftp://nowhere")), 400, "baseUrl");
    assertField(admin.post("/api/admin/provider-keys", new JsonObject().put("provider", "openai").put("name", "x")
        .put("apiKey", 12)), 400, "apiKey");
    assertField(admin.post("/api/admin/virtual-keys", new JsonObject().put("name", "x")), 400, "providerKeyIds");
    assertField(admin.post("/api/admin/virtual-keys", new JsonObject().put("name", "x")
        .put("providerKeyIds", new JsonArray().add("missing"))), 400, "providerKeyIds");
    JsonObject key = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "groq").put("name", "g"));
    assertField(admin.post("/api/admin/virtual-keys", new JsonObject().put("name", "x")
        .put("providerKeyIds", new JsonArray().add(key.getString("id"))).put("expiresAt", "tomorrow")), 400, "expiresAt");
    assertField(admin.post("/api/admin/virtual-keys", new JsonObject().put("name", "x")
        .put("providerKeyIds", new JsonArray().add(key.getString("id")))
        .put("llmProxyIds", new JsonArray().add("no-such-proxy"))), 400, "llmProxyIds");
    assertField(admin.post("/api/admin/oauth-clients", new JsonObject().put("name", "x")
        .put("providerKeyIds", new JsonArray().add(key.getString("id")))), 400, "allowedLlmProxyIds");
    assertThat(admin.postRaw("/api/admin/llm-proxies", "{not json").status()).isEqualTo(400);
  }

  @Test
  void duplicatesAreConflicts() {
    JsonObject body = new JsonObject().put("provider", "openai").put("name", "team");
    JsonObject first = admin.create("/api/admin/provider-keys", body);
    assertField(admin.post("/api/admin/provider-keys", body), 409, "name");
    assertField(admin.post("/api/admin/llm-proxies", new JsonObject().put("name", "default")), 409, "name");

    // Two keys of one provider are no conflict (see severalKeysOfOneProvider...); one key twice is refused.
    assertField(admin.post("/api/admin/virtual-keys", new JsonObject().put("name", "x")
        .put("providerKeyIds", new JsonArray().add(first.getString("id")).add(first.getString("id")))), 400,
        "providerKeyIds");
  }

  @Test
  void severalKeysOfOneProviderAreMappedWithWeightsAndListedInOrder() {
    String first = providerKey("openai", "first");
    String second = providerKey("openai", "second");
    String claude = providerKey("anthropic", "claude");

    JsonObject created = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "weighted")
        .put("providerKeys", new JsonArray()
            .add(new JsonObject().put("id", second).put("weight", 3))
            .add(new JsonObject().put("id", claude))
            .add(new JsonObject().put("id", first).put("weight", 1000))));
    assertThat(created.fieldNames()).containsExactlyInAnyOrder("id", "name", "key", "providers", "expiresAt");
    assertThat(created.getJsonArray("providers")).containsExactly("anthropic", "openai");

    JsonObject listed = listed("virtual-keys", created.getString("id"));
    // By provider, and within a provider as given.
    assertThat(listed.getJsonArray("providerKeyIds")).containsExactly(claude, second, first);
    assertThat(listed.getJsonArray("providerKeys")).containsExactly(
        new JsonObject().put("id", claude).put("provider", "anthropic").put("weight", 1),
        new JsonObject().put("id", second).put("provider", "openai").put("weight", 3),
        new JsonObject().put("id", first).put("provider", "openai").put("weight", 1000));
    assertThat(listed.getJsonArray("providers")).containsExactly("anthropic", "openai");

    // The plain list maps several keys of one provider too, each with weight 1.
    JsonObject plain = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "plain")
        .put("providerKeyIds", new JsonArray().add(first).add(second)));
    assertThat(listed("virtual-keys", plain.getString("id")).getJsonArray("providerKeys")).containsExactly(
        new JsonObject().put("id", first).put("provider", "openai").put("weight", 1),
        new JsonObject().put("id", second).put("provider", "openai").put("weight", 1));

    JsonObject client = admin.create("/api/admin/oauth-clients", new JsonObject().put("name", "bot")
        .put("providerKeys", new JsonArray().add(new JsonObject().put("id", first).put("weight", 2))
            .add(new JsonObject().put("id", second).put("weight", 5)))
        .put("allowedLlmProxyIds", new JsonArray().add(defaultProxyId())));
    JsonObject clientListed = listed("oauth-clients", client.getString("id"));
    assertThat(clientListed.getJsonArray("providerKeyIds")).containsExactly(first, second);
    assertThat(clientListed.getJsonArray("providerKeys")).containsExactly(
        new JsonObject().put("id", first).put("provider", "openai").put("weight", 2),
        new JsonObject().put("id", second).put("provider", "openai").put("weight", 5));
  }

  @Test
  void everyBadMappingIsRefusedNamingTheFieldAndStoresNothing() {
    String openai = providerKey("openai", "a");
    String other = providerKey("openai", "b");
    String proxy = defaultProxyId();
    Map<String, JsonObject> refusals = new LinkedHashMap<>();
    refusals.put("providerKeys", new JsonObject().put("providerKeyIds", new JsonArray().add(openai))
        .put("providerKeys", new JsonArray().add(new JsonObject().put("id", other))));
    refusals.put("providerKeyIds", new JsonObject().put("providerKeyIds", new JsonArray().add(openai).add(openai)));
    refusals.put("providerKeys[1].id", weighted(new JsonObject().put("id", openai),
        new JsonObject().put("id", openai).put("weight", 2)));
    for (Object weight : new Object[] {0, -1, 1001, 1_000_000_000L, 1e9, 3.5, 3.0, "3", true, new JsonObject(),
        new JsonArray().add(3), new BigInteger("9".repeat(200))}) {
      refusals.put("providerKeys[0].weight #" + weight, weighted(new JsonObject().put("id", openai).put("weight", weight)));
    }
    refusals.put("providerKeys[0].id", weighted(new JsonObject().put("id", new JsonObject().put("id", openai))));
    refusals.put("providerKeys[0].id #number", weighted(new JsonObject().put("id", 7)));
    refusals.put("providerKeys[0].id #missing", weighted(new JsonObject().put("weight", 2)));
    refusals.put("providerKeys[0].id #blank", weighted(new JsonObject().put("id", " ")));
    refusals.put("providerKeys[0].wieght", weighted(new JsonObject().put("id", openai).put("wieght", 2)));
    refusals.put("providerKeys[1].id #unknown", weighted(new JsonObject().put("id", openai),
        new JsonObject().put("id", "no-such-key")));
    refusals.put("providerKeys[0]", new JsonObject().put("providerKeys", new JsonArray().add(openai)));
    refusals.put("providerKeys[1]", weighted(new JsonObject().put("id", openai), null));
    refusals.put("providerKeys #not an array", new JsonObject().put("providerKeys", new JsonObject().put("id", openai)));
    refusals.put("providerKeys #empty", new JsonObject().put("providerKeys", new JsonArray()));
    refusals.put("providerKeyIds #unknown", new JsonObject().put("providerKeyIds", new JsonArray().add("missing")));
    refusals.put("providerKeyIds #empty", new JsonObject().put("providerKeyIds", new JsonArray()));
    refusals.put("providerKeyIds #none", new JsonObject());
    refusals.put("providerKeyIds #not ids", new JsonObject().put("providerKeyIds", new JsonArray().add(5)));
    JsonArray tenThousand = new JsonArray();
    JsonArray tenThousandIds = new JsonArray();
    for (int i = 0; i < 10_000; i++) {
      tenThousand.add(new JsonObject().put("id", "id-" + i).put("weight", 1000));
      tenThousandIds.add("id-" + i);
    }
    refusals.put("providerKeys #10000", new JsonObject().put("providerKeys", tenThousand));
    refusals.put("providerKeyIds #10000", new JsonObject().put("providerKeyIds", tenThousandIds));
    refusals.put("providerKeys #257", new JsonObject().put("providerKeys",
        new JsonArray(tenThousand.getList().subList(0, AdminApi.MAX_MAPPINGS + 1))));

    for (Map.Entry<String, JsonObject> refusal : refusals.entrySet()) {
      String field = refusal.getKey().split(" #")[0];
      JsonObject body = refusal.getValue().put("name", "refused");
      assertField(admin.post("/api/admin/virtual-keys", body), 400, field);
      assertField(admin.post("/api/admin/oauth-clients", body.copy().put("allowedLlmProxyIds",
          new JsonArray().add(proxy))), 400, field);
    }
    assertThat(admin.get("/api/admin/virtual-keys").json().getJsonArray("data")).isEmpty();
    assertThat(admin.get("/api/admin/oauth-clients").json().getJsonArray("data")).isEmpty();
  }

  @Test
  void atMost32KeysOfOneProviderMayBeMapped() {
    JsonArray keys = new JsonArray();
    for (int i = 0; i <= AdminApi.MAX_KEYS_PER_PROVIDER; i++) {
      keys.add(new JsonObject().put("id", providerKey("openai", "k" + i)).put("weight", i + 1));
    }
    AdminClient.Answer tooMany = admin.post("/api/admin/virtual-keys", new JsonObject().put("name", "many")
        .put("providerKeys", keys));
    assertField(tooMany, 400, "providerKeys");
    assertThat(tooMany.json().getJsonObject("error").getString("message")).contains("openai", "32");
    assertThat(admin.get("/api/admin/virtual-keys").json().getJsonArray("data")).isEmpty();

    keys.remove(keys.size() - 1);
    JsonObject created = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "many")
        .put("providerKeys", keys));
    assertThat(listed("virtual-keys", created.getString("id")).getJsonArray("providerKeys"))
        .hasSize(AdminApi.MAX_KEYS_PER_PROVIDER);
  }

  @Test
  void anUnknownIdIsQuotedShortAndAFewAtMost() {
    JsonArray ids = new JsonArray();
    for (int i = 0; i < 200; i++) {
      ids.add("x".repeat(4000) + i);
    }
    AdminClient.Answer refused = admin.post("/api/admin/virtual-keys", new JsonObject().put("name", "long")
        .put("providerKeyIds", ids));
    assertField(refused, 400, "providerKeyIds");
    assertThat(refused.body().length()).isLessThan(1000);
    assertThat(refused.json().getJsonObject("error").getString("message")).contains("and 195 more");
  }

  private String providerKey(String provider, String name) {
    return admin.create("/api/admin/provider-keys", new JsonObject().put("provider", provider).put("name", name)
        .put("apiKey", "sk-" + name)).getString("id");
  }

  private static JsonObject weighted(JsonObject... entries) {
    JsonArray array = new JsonArray();
    for (JsonObject entry : entries) {
      array.add(entry);
    }
    return new JsonObject().put("providerKeys", array);
  }

  private JsonObject listed(String kind, String id) {
    return admin.get("/api/admin/" + kind).json().getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(item -> item.getString("id").equals(id)).findFirst().orElseThrow();
  }

  @Test
  void deletingAnswers204ThenUnknownIdsAre404AndRevocationsArePublished() throws Exception {
    JsonObject key = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "openai").put("name", "k"));
    JsonObject virtualKey = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "ci")
        .put("providerKeyIds", new JsonArray().add(key.getString("id"))));

    assertThat(admin.delete("/api/admin/virtual-keys/" + virtualKey.getString("id")).status()).isEqualTo(204);
    assertThat(admin.delete("/api/admin/virtual-keys/" + virtualKey.getString("id")).status()).isEqualTo(404);
    assertThat(admin.delete("/api/admin/provider-keys/" + key.getString("id")).status()).isEqualTo(204);
    assertThat(admin.delete("/api/admin/oauth-clients/nope").status()).isEqualTo(404);
    assertThat(admin.delete("/api/admin/llm-proxies/" + defaultProxyId()).status()).isEqualTo(409);

    long deadline = System.currentTimeMillis() + 2000;
    while (events.size() < 2 && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
    assertThat(events).contains(new JsonObject().put("type", "revoked").put("kind", "virtual-key")
        .put("id", virtualKey.getString("id")).put("keyHash", CredentialHash.sha256Hex(virtualKey.getString("key"))));
    assertThat(events).anySatisfy(e -> assertThat(e.getString("kind")).isEqualTo("provider-key"));
  }

  @Test
  void aRawDatabaseRowHoldsNoUsableSecret() throws Exception {
    JsonObject key = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team").put("apiKey", OPENAI_KEY));
    JsonObject virtualKey = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "ci")
        .put("providerKeyIds", new JsonArray().add(key.getString("id"))));
    JsonObject client = admin.create("/api/admin/oauth-clients", new JsonObject().put("name", "bot")
        .put("providerKeyIds", new JsonArray().add(key.getString("id")))
        .put("allowedLlmProxyIds", new JsonArray().add(defaultProxyId())));
    vertx.undeploy(deploymentId).await();

    try (Connection db = DriverManager.getConnection("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("portcullis"), "sa", "");
        Statement query = db.createStatement()) {
      ResultSet keys = query.executeQuery("SELECT api_key_encrypted FROM provider_keys");
      keys.next();
      assertThat(keys.getString(1)).isNotBlank().doesNotContain(OPENAI_KEY).doesNotContain("0123456789abcdef");
      ResultSet virtualKeys = query.executeQuery("SELECT key_hash FROM virtual_keys");
      virtualKeys.next();
      assertThat(virtualKeys.getString(1)).isEqualTo(CredentialHash.sha256Hex(virtualKey.getString("key")));
      ResultSet clients = query.executeQuery("SELECT secret_hash FROM oauth_clients");
      clients.next();
      assertThat(clients.getString(1)).isEqualTo(CredentialHash.sha256Hex(client.getString("clientSecret")));
    }
  }

  @Test
  void dataSurvivesARestartOfTheEmbeddedStore() {
    JsonObject key = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "anthropic").put("name", "k"));
    JsonArray proxiesBefore = admin.get("/api/admin/llm-proxies").json().getJsonArray("data");

    vertx.undeploy(deploymentId).await();
    deploymentId = vertx.deployVerticle(verticle = new AuthVerticle(new Settings(new JsonObject()
        .put("PORTCULLIS_DATA_DIR", dataDir.toString()).put("PORTCULLIS_ADMIN_PORT", "0")
        .put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN).put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET))))
        .await();
    admin = new AdminClient(verticle.adminPort(), ADMIN_TOKEN);

    assertThat(admin.get("/api/admin/provider-keys").json().getJsonArray("data").getJsonObject(0).getString("id"))
        .isEqualTo(key.getString("id"));
    assertThat(admin.get("/api/admin/llm-proxies").json().getJsonArray("data")).isEqualTo(proxiesBefore);
  }

  @Test
  void withoutConfiguredSecretsTheyAreGeneratedOnceIntoOwnerOnlyFiles() throws Exception {
    Path otherDir = dataDir.resolve("generated");
    AuthVerticle generated = new AuthVerticle(new Settings(new JsonObject()
        .put("PORTCULLIS_DATA_DIR", otherDir.toString()).put("PORTCULLIS_ADMIN_PORT", "0")));
    vertx.deployVerticle(generated).await();

    for (String file : List.of("admin-token", "auth-secret")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(otherDir.resolve(file))))
          .isEqualTo("rw-------");
    }
    String token = Files.readString(otherDir.resolve("admin-token")).trim();
    assertThat(new AdminClient(generated.adminPort(), token).get("/api/admin/llm-proxies").status()).isEqualTo(200);
  }

  @Test
  void virtualKeysExpireAfterTheConfiguredDefaultUnlessTheyNameTheirOwnExpiry() {
    AuthVerticle expiring = new AuthVerticle(new Settings(new JsonObject()
        .put("PORTCULLIS_DATA_DIR", dataDir.resolve("expiring").toString()).put("PORTCULLIS_ADMIN_PORT", "0")
        .put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN).put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET)
        .put("ARCHESTRA_LLM_PROXY_VIRTUAL_KEYS_DEFAULT_EXPIRATION_SECONDS", "3600")));
    vertx.deployVerticle(expiring).await();
    AdminClient client = new AdminClient(expiring.adminPort(), ADMIN_TOKEN);
    JsonArray keyIds = new JsonArray().add(client.create("/api/admin/provider-keys",
        new JsonObject().put("provider", "openai").put("name", "k")).getString("id"));

    long before = System.currentTimeMillis();
    JsonObject byDefault = client.create("/api/admin/virtual-keys", new JsonObject().put("name", "a").put("providerKeyIds", keyIds));
    assertThat(Instant.parse(byDefault.getString("expiresAt")).toEpochMilli())
        .isBetween(before + 3_600_000, System.currentTimeMillis() + 3_600_000);
    JsonObject never = client.create("/api/admin/virtual-keys", new JsonObject().put("name", "b").put("providerKeyIds", keyIds)
        .putNull("expiresAt"));
    assertThat(never.getValue("expiresAt")).isNull();
    JsonObject withoutSetting = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "c")
        .put("providerKeyIds", new JsonArray().add(admin.create("/api/admin/provider-keys",
            new JsonObject().put("provider", "openai").put("name", "k")).getString("id"))));
    assertThat(withoutSetting.getValue("expiresAt")).isNull();
  }

  private String defaultProxyId() {
    return admin.get("/api/admin/llm-proxies").json().getJsonArray("data").getJsonObject(0).getString("id");
  }

  @Test
  void anLlmProxysAuditLevelIsSetAtCreationChangedLaterAndOnlyToAKnownLevel() {
    JsonObject proxy = admin.create("/api/admin/llm-proxies", new JsonObject().put("name", "audited")
        .put("auditBodies", "metadata"));
    assertThat(proxy.getString("auditBodies")).isEqualTo("metadata");
    String id = proxy.getString("id");

    AdminClient.Answer changed = admin.patch("/api/admin/llm-proxies/" + id, new JsonObject().put("auditBodies", "full"));
    assertThat(changed.status()).as(changed.body()).isEqualTo(200);
    assertThat(changed.json().getString("auditBodies")).isEqualTo("full");
    assertThat(admin.get("/api/admin/llm-proxies").json().getJsonArray("data").stream()
        .map(JsonObject.class::cast).filter(p -> p.getString("id").equals(id)).findFirst().orElseThrow()
        .getString("auditBodies")).isEqualTo("full");

    assertField(admin.patch("/api/admin/llm-proxies/" + id, new JsonObject().put("auditBodies", "everything")),
        400, "auditBodies");
    assertField(admin.patch("/api/admin/llm-proxies/" + id, new JsonObject().put("auditBodies", 1)), 400, "auditBodies");
    assertField(admin.patch("/api/admin/llm-proxies/" + id, new JsonObject()), 400, "auditBodies");
    assertField(admin.post("/api/admin/llm-proxies", new JsonObject().put("name", "x").put("auditBodies", "FULL")),
        400, "auditBodies");
    assertThat(admin.patch("/api/admin/llm-proxies/no-such-proxy", new JsonObject().put("auditBodies", "none"))
        .status()).isEqualTo(404);
    assertThat(new AdminClient(verticle.adminPort(), "wrong-token").patch("/api/admin/llm-proxies/" + id,
        new JsonObject().put("auditBodies", "none")).status()).isEqualTo(401);
  }

  private static void assertField(AdminClient.Answer answer, int status, String field) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(status);
    assertThat(answer.json().getJsonObject("error").getString("field")).as(answer.body()).isEqualTo(field);
    assertThat(answer.json().getJsonObject("error").getString("message")).isNotBlank();
  }
}
