package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.GatewayKeys;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.TokenResponse;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.auth.VirtualKeyFormat;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** auth-service on its bus: signing keys and rotation, virtual-key checksums, the limiter, answers to bad messages. */
class AuthServiceHardeningTest {

  private static final String ADMIN_TOKEN = "hardening-admin-token";
  private static final String AUTH_SECRET = RandomTokens.base62(48);
  /** Long, so a request that is not answered at once shows up as a slow test, not a quick 503. */
  private static final DeliveryOptions PATIENT = new DeliveryOptions().setSendTimeout(30_000);

  @TempDir
  static Path dataDir;
  private static Vertx vertx;
  private static AuthVerticle verticle;
  private static AdminClient admin;
  private static final List<JsonObject> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void deploy() {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_EVENTS, m -> events.add(m.body()));
    verticle = new AuthVerticle(settings(dataDir.resolve("store"), Map.of()));
    vertx.deployVerticle(verticle).await();
    admin = new AdminClient(verticle.adminPort(), ADMIN_TOKEN);
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  private static Settings settings(Path dir, Map<String, String> extra) {
    JsonObject config = new JsonObject().put("PORTCULLIS_DATA_DIR", dir.toString()).put("PORTCULLIS_ADMIN_PORT", "0")
        .put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN).put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET);
    extra.forEach(config::put);
    return new Settings(config);
  }

  private static GatewayKeys keys() {
    Object answer = vertx.eventBus().request(Addresses.AUTH_KEYS, "keys", PATIENT).await().body();
    assertThat(answer).isInstanceOf(JsonObject.class);
    assertThat(((JsonObject) answer).encode()).as("no private key material").doesNotContain("\"d\"");
    return GatewayKeys.fromJson((JsonObject) answer);
  }

  private static String token(JsonObject client) {
    TokenRequest request = new TokenRequest(Map.of("grant_type", "client_credentials", "client_id",
        client.getString("clientId"), "client_secret", client.getString("clientSecret")), null, "10.0.0.1");
    TokenResponse answer = (TokenResponse) vertx.eventBus().request(Addresses.AUTH_TOKEN, request, PATIENT).await().body();
    assertThat(answer.status()).isEqualTo(200);
    return answer.body().getString("access_token");
  }

  private static JsonObject oauthClient() {
    String keyId = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "k-" + System.nanoTime()).put("apiKey", "sk-x")).getString("id");
    return admin.create("/api/admin/oauth-clients", new JsonObject().put("name", "bot-" + System.nanoTime())
        .put("providerKeyIds", new JsonArray().add(keyId)).put("allowedLlmProxyIds", new JsonArray().add(
            admin.get("/api/admin/llm-proxies").json().getJsonArray("data").getJsonObject(0).getString("id"))));
  }

  private static Object verify(String key, String client) {
    return vertx.eventBus().request(Addresses.AUTH_VERIFY, new VerifyRequest(key, client), PATIENT).await().body();
  }

  @Test
  void tokensVerifyWithThePublishedPublicKeysAndKeepVerifyingAfterARotation() {
    JsonObject client = oauthClient();
    String before = token(client);
    GatewayKeys published = keys();
    assertThat(AccessTokens.verify(before, published, System.currentTimeMillis() / 1000).clientId())
        .isEqualTo(client.getString("clientId"));

    AdminClient.Answer rotated = admin.post("/api/admin/signing-keys/rotate", new JsonObject());
    assertThat(rotated.status()).isEqualTo(201);
    String newKid = rotated.json().getString("kid");
    assertThat(newKid).startsWith("pc-").isNotEqualTo(AccessTokens.keyIdOf(before));
    waitFor(() -> events.contains(AuthEvents.rotatedSigningKey(newKid)));

    String after = token(client);
    assertThat(AccessTokens.keyIdOf(after)).isEqualTo(newKid);
    GatewayKeys both = keys();
    long now = System.currentTimeMillis() / 1000;
    assertThat(AccessTokens.verify(before, both, now).clientId()).isEqualTo(client.getString("clientId"));
    assertThat(AccessTokens.verify(after, both, now).clientId()).isEqualTo(client.getString("clientId"));

    JsonArray listed = admin.get("/api/admin/signing-keys").json().getJsonArray("data");
    assertThat(listed.stream().map(JsonObject.class::cast).filter(k -> k.getValue("retiredAt") == null)
        .map(k -> k.getString("kid"))).containsExactly(newKid);
    assertThat(listed.encode()).doesNotContain("\"d\"");
  }

  @Test
  void signingKeysAreStoredSealedAndSurviveARestart() throws Exception {
    Path dir = dataDir.resolve("restart");
    AuthVerticle first = new AuthVerticle(settings(dir, Map.of()));
    Vertx own = Vertx.vertx();
    try {
      String id = own.deployVerticle(first).await();
      GatewayKeys before = GatewayKeys.fromJson((JsonObject) own.eventBus().request(Addresses.AUTH_KEYS, "", PATIENT)
          .await().body());
      own.undeploy(id).await();
      own.deployVerticle(new AuthVerticle(settings(dir, Map.of()))).await();
      GatewayKeys after = GatewayKeys.fromJson((JsonObject) own.eventBus().request(Addresses.AUTH_KEYS, "", PATIENT)
          .await().body());
      assertThat(after).isEqualTo(before);
    } finally {
      own.close().await();
    }
  }

  @Test
  void aKeyWithoutAValidChecksumIsRefusedAndALimitedAddressStillGetsThroughWithAValidKey() {
    String keyId = admin.create("/api/admin/provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "limiter").put("apiKey", "sk-limiter")).getString("id");
    String valid = admin.create("/api/admin/virtual-keys", new JsonObject().put("name", "limited-user")
        .put("providerKeyIds", new JsonArray().add(keyId))).getString("key");
    String client = "10.20.30.40";

    for (int i = 0; i < VirtualKeyVerifier.MAX_FAILURES; i++) {
      // Right shape, wrong checksum: a made-up key.
      Object answer = verify("pc-vk-" + RandomTokens.base62(51), client);
      assertThat(answer).isInstanceOf(GatewayError.class);
      assertThat(((GatewayError) answer).kind()).isEqualTo(ErrorKind.AUTHENTICATION);
    }
    Object limited = verify("pc-vk-" + RandomTokens.base62(51), client);
    assertThat(((GatewayError) limited).kind()).isEqualTo(ErrorKind.RATE_LIMITED);
    // A key that passes the checksum but was never issued (or was deleted) is limited too.
    Object unknownButWellFormed = verify(VirtualKeyFormat.mint(VirtualKeyFormat.checksumKey(AUTH_SECRET)), client);
    assertThat(((GatewayError) unknownButWellFormed).kind()).isEqualTo(ErrorKind.RATE_LIMITED);

    Object answer = verify(valid, client);
    assertThat(answer).as("a valid key from a limited address").isInstanceOf(Principal.class);
    assertThat(((Principal) answer).name()).isEqualTo("limited-user");
  }

  @Test
  void everyAddressAnswersBadMessagesAtOnceInsteadOfTimingOut() {
    for (String address : List.of(Addresses.AUTH_VERIFY, Addresses.AUTH_TOKEN, Addresses.AUTH_OAUTH_CLIENT)) {
      for (Object body : new Object[] {new JsonObject().put("not", "the expected type"), 42}) {
        long start = System.nanoTime();
        Object answer = vertx.eventBus().request(address, body, PATIENT).await().body();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(answer).as(address + " answering " + body).isInstanceOf(GatewayError.class);
        assertThat(((GatewayError) answer).kind()).isEqualTo(ErrorKind.INTERNAL);
        assertThat(((GatewayError) answer).message()).doesNotContain("ClassCast");
        assertThat(tookMillis).as(address + " answered within").isLessThan(2_000);
      }
    }
    Object nullToken = vertx.eventBus().request(Addresses.AUTH_TOKEN, null, PATIENT).await().body();
    assertThat(((GatewayError) nullToken).kind()).isEqualTo(ErrorKind.INTERNAL);
  }

  @Test
  void aHandlerThatFailsAsynchronouslyWithAStoreProblemIs503AndAnErrorIs500() {
    BusAnswers answers = new BusAnswers(vertx);
    answers.answer("test.store-down", (Object body) -> io.vertx.core.Future.failedFuture(new java.io.IOException("db gone")));
    answers.answer("test.bug", (Object body) -> {
      throw new AssertionError("a bug");
    });
    answers.answer("test.unsendable", (Object body) -> io.vertx.core.Future.succeededFuture(new Object()));
    assertThat(((GatewayError) vertx.eventBus().request("test.store-down", "x", PATIENT).await().body()).kind())
        .isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(((GatewayError) vertx.eventBus().request("test.bug", "x", PATIENT).await().body()).kind())
        .isEqualTo(ErrorKind.INTERNAL);
    assertThat(((GatewayError) vertx.eventBus().request("test.unsendable", "x", PATIENT).await().body()).kind())
        .isEqualTo(ErrorKind.INTERNAL);
  }

  @Test
  void aPublishedOrShortSecretOrAMissingOneWithADatabaseUrlStopsTheStart() {
    for (String secret : List.of("change-me-to-a-long-random-secret", "too-short-0123456789")) {
      Settings bad = new Settings(settings(dataDir.resolve("bad"), Map.of()).json().copy().put("ARCHESTRA_AUTH_SECRET", secret));
      assertThatThrownBy(() -> vertx.deployVerticle(new AuthVerticle(bad)).await())
          .isInstanceOf(SettingsException.class).hasMessageStartingWith("ARCHESTRA_AUTH_SECRET:")
          .hasMessageNotContaining(secret);
    }
    JsonObject noSecret = settings(dataDir.resolve("bad"), Map.of(
        "ARCHESTRA_DATABASE_URL", "postgresql://portcullis:pw@127.0.0.1:1/portcullis")).json().copy();
    noSecret.remove("ARCHESTRA_AUTH_SECRET");
    assertThatThrownBy(() -> vertx.deployVerticle(new AuthVerticle(new Settings(noSecret))).await())
        .isInstanceOf(SettingsException.class).hasMessageStartingWith("ARCHESTRA_AUTH_SECRET:");
    assertThat(dataDir.resolve("bad")).doesNotExist();
  }

  @Test
  void theDataDirectoryAndEveryFileInItAreOwnerOnlyEvenWhenTheyExistedLooser() throws Exception {
    Path dir = Files.createDirectories(dataDir.resolve("loose"));
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Vertx own = Vertx.vertx();
    try {
      JsonObject config = settings(dir, Map.of()).json().copy();
      config.remove("ARCHESTRA_AUTH_SECRET");
      config.remove("PORTCULLIS_ADMIN_TOKEN");
      own.deployVerticle(new AuthVerticle(new Settings(config))).await();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
      try (Stream<Path> files = Files.list(dir)) {
        List<Path> all = files.toList();
        assertThat(all).extracting(p -> p.getFileName().toString())
            .contains("auth-secret", "admin-token", "portcullis.mv.db");
        for (Path file : all) {
          assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as(file.toString())
              .isEqualTo("rw-------");
        }
      }
    } finally {
      own.close().await();
    }
  }

  private static void waitFor(java.util.function.BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("condition not met within 5 s");
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
