package dev.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's credential resolution against a real auth-service on an embedded store. */
class CredentialResolverTest {

  private static final String OPENAI_KEY = "sk-openai-stored-0123456789";

  @TempDir
  static Path dataDir;
  private static Vertx vertx;
  private static AuthServiceHarness auth;
  private static CredentialResolver resolver;
  private static TokenEndpointServer tokenEndpoint;
  private static JsonObject openaiKey;
  private static String defaultProxy;
  private static String proxyA;
  private static String proxyB;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    auth = new AuthServiceHarness(vertx, dataDir).start();
    openaiKey = auth.createProviderKey(new JsonObject().put("provider", "openai").put("name", "team")
        .put("apiKey", OPENAI_KEY).put("baseUrl", "http://127.0.0.1:1/base")
        .put("inferenceUrl", "http://127.0.0.1:2/inference")
        .put("extraHeaders", new JsonObject().put("OpenAI-Project", "proj_1")));
    defaultProxy = auth.defaultProxyId();
    proxyA = auth.createProxy("proxy-a");
    proxyB = auth.createProxy("proxy-b");
    resolver = new CredentialResolver(vertx, auth.settings());
    tokenEndpoint = new TokenEndpointServer(vertx, auth.settings());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aVirtualKeyResolvesToItsMappedProviderKey() {
    JsonObject key = newVirtualKey(null, null);
    Resolution resolution = resolver.resolve(key.getString("key"), "openai", null, "10.0.0.1").await();

    assertThat(resolution.kind()).isEqualTo(Resolution.Kind.RESOLVED);
    assertThat(resolution.credential().apiKey()).isEqualTo(OPENAI_KEY);
    assertThat(resolution.credential().baseUrl()).isEqualTo("http://127.0.0.1:2/inference");
    assertThat(resolution.credential().extraHeaders()).containsEntry("OpenAI-Project", "proj_1");
    assertThat(resolution.principalId()).isEqualTo(key.getString("id"));
    assertThat(resolution.proxyId()).isEqualTo(defaultProxy);
  }

  @Test
  void aProviderKeyStoredWithoutAnApiKeyStandsForTheOrganisationDefault() {
    JsonObject groq = auth.createProviderKey(new JsonObject().put("provider", "groq").put("name", "org-default"));
    JsonObject key = auth.createVirtualKey("uses-org-default", new JsonArray().add(groq.getString("id")), null, null);
    Resolution resolution = resolver.resolve(key.getString("key"), "groq", null, "10.0.0.7").await();
    assertThat(resolution.credential().apiKey()).isEqualTo(AuthServiceHarness.ORG_GROQ_KEY);
    assertThat(resolution.credential().baseUrl()).isNull();
  }

  @Test
  void unknownKeysAndUnknownProxiesAreRefused() {
    assertFails(resolver.resolve("pc-vk-" + "x".repeat(40), "openai", null, "10.0.0.2"), ErrorKind.AUTHENTICATION,
        "Invalid virtual key");
    JsonObject key = newVirtualKey(null, null);
    assertFails(resolver.resolve(key.getString("key"), "openai", "00000000-0000-0000-0000-000000000000", "10.0.0.2"),
        ErrorKind.NOT_FOUND, "not found");
  }

  @Test
  void aKeyWithoutAMappingForTheProviderIs403() {
    JsonObject key = newVirtualKey(null, null);
    assertFails(resolver.resolve(key.getString("key"), "anthropic", null, "10.0.0.3"), ErrorKind.PERMISSION,
        "This virtual key has no provider key for anthropic. Map one with the admin API.");
  }

  @Test
  void aKeyLimitedToOneProxyIsRefusedOnAnother() {
    JsonObject key = newVirtualKey(new JsonArray().add(proxyA), null);
    assertThat(resolver.resolve(key.getString("key"), "openai", proxyA, "10.0.0.4").await().proxyId()).isEqualTo(proxyA);
    assertFails(resolver.resolve(key.getString("key"), "openai", proxyB, "10.0.0.4"), ErrorKind.PERMISSION, proxyB);
  }

  @Test
  void anExpiredKeyIs401BothFromTheCacheAndFromAuthService() throws Exception {
    Instant expiry = Instant.now().plusMillis(1200);
    JsonObject key = newVirtualKey(null, expiry.toString());
    assertThat(resolver.resolve(key.getString("key"), "openai", null, "10.0.0.5").await().isResolved()).isTrue();

    Thread.sleep(Math.max(0, expiry.toEpochMilli() - System.currentTimeMillis()) + 50);
    assertFails(resolver.resolve(key.getString("key"), "openai", null, "10.0.0.5"), ErrorKind.AUTHENTICATION,
        "Virtual key expired");
    CredentialResolver fresh = new CredentialResolver(vertx, auth.settings());
    assertFails(fresh.resolve(key.getString("key"), "openai", null, "10.0.0.5"), ErrorKind.AUTHENTICATION,
        "Virtual key expired");
    fresh.close().await();
  }

  @Test
  void deletingAKeyWithTheAdminApiStopsItWithinOneSecond() throws Exception {
    JsonObject key = newVirtualKey(null, null);
    assertThat(resolver.resolve(key.getString("key"), "openai", null, "10.0.0.6").await().isResolved()).isTrue();

    auth.delete("virtual-keys", key.getString("id"));
    Throwable failure = firstFailureWithinOneSecond(() -> resolver.resolve(key.getString("key"), "openai", null, "10.0.0.6"));
    assertThat(failure).isInstanceOf(GatewayException.class);
    assertThat(((GatewayException) failure).error().kind()).isEqualTo(ErrorKind.AUTHENTICATION);
  }

  @Test
  void theEleventhFailedLookupFromOneAddressIsRateLimited() {
    for (int i = 0; i < 10; i++) {
      assertFails(resolver.resolve("pc-vk-guess" + i + "x".repeat(32), "openai", null, "10.9.9.9"),
          ErrorKind.AUTHENTICATION, "Invalid virtual key");
    }
    assertFails(resolver.resolve("pc-vk-guess10" + "x".repeat(32), "openai", null, "10.9.9.9"),
        ErrorKind.RATE_LIMITED, "Too many");
    assertFails(resolver.resolve("pc-vk-guess11" + "x".repeat(32), "openai", null, "10.9.9.8"),
        ErrorKind.AUTHENTICATION, "Invalid virtual key");
  }

  @Test
  void anAccessTokenResolvesOnItsProxyAndIsRefusedOnAnother() {
    JsonObject client = auth.createOAuthClient("bot-" + System.nanoTime(),
        new JsonArray().add(openaiKey.getString("id")), new JsonArray().add(proxyA));
    String token = tokenEndpoint.accessToken(client);

    Resolution resolution = resolver.resolve(token, "openai", proxyA, "10.0.1.1").await();
    assertThat(resolution.credential().apiKey()).isEqualTo(OPENAI_KEY);
    assertThat(resolution.principalId()).isEqualTo(client.getString("id"));
    assertFails(resolver.resolve(token, "openai", proxyB, "10.0.1.1"), ErrorKind.PERMISSION, proxyB);
    assertFails(resolver.resolve(token, "openai", null, "10.0.1.1"), ErrorKind.PERMISSION, defaultProxy);
  }

  @Test
  void forgedAndExpiredTokensAre401() {
    JsonObject client = auth.createOAuthClient("bot-" + System.nanoTime(),
        new JsonArray().add(openaiKey.getString("id")), new JsonArray().add(proxyA));
    long now = System.currentTimeMillis() / 1000;
    String forged = AccessTokens.fromSecret("an-attackers-guess-at-the-secret-123")
        .issue(client.getString("clientId"), List.of(proxyA), AccessTokens.SCOPE, now, 3600);
    assertFails(resolver.resolve(forged, "openai", proxyA, "10.0.1.2"), ErrorKind.AUTHENTICATION, "unknown key");

    String genuine = tokenEndpoint.accessToken(client);
    String[] parts = genuine.split("\\.");
    String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
    assertFails(resolver.resolve(tampered, "openai", proxyA, "10.0.1.2"), ErrorKind.AUTHENTICATION, "");

    String expired = AccessTokens.fromSecret(AuthServiceHarness.AUTH_SECRET)
        .issue(client.getString("clientId"), List.of(proxyA), AccessTokens.SCOPE, now - 7200, 3600);
    assertFails(resolver.resolve(expired, "openai", proxyA, "10.0.1.2"), ErrorKind.AUTHENTICATION, "expired");
  }

  @Test
  void deletingAnOAuthClientRevokesItsTokensWithinOneSecond() throws Exception {
    JsonObject client = auth.createOAuthClient("bot-" + System.nanoTime(),
        new JsonArray().add(openaiKey.getString("id")), new JsonArray().add(proxyA));
    String token = tokenEndpoint.accessToken(client);
    assertThat(resolver.resolve(token, "openai", proxyA, "10.0.1.3").await().isResolved()).isTrue();

    auth.delete("oauth-clients", client.getString("id"));
    assertThat(firstFailureWithinOneSecond(() -> resolver.resolve(token, "openai", proxyA, "10.0.1.3")))
        .isInstanceOf(GatewayException.class);
    assertFails(resolver.resolve(token, "openai", proxyA, "10.0.1.3"), ErrorKind.AUTHENTICATION, "revoked");
  }

  @Test
  void otherCredentialsPassThroughUnlessTurnedOff() {
    Resolution own = resolver.resolve("sk-client-own-key", "openai", proxyA, "10.0.2.1").await();
    assertThat(own.kind()).isEqualTo(Resolution.Kind.PASSTHROUGH);
    assertThat(own.proxyId()).isEqualTo(proxyA);
    String entraToken = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJ4In0.c2ln";
    assertThat(resolver.resolve(entraToken, "azure", null, "10.0.2.1").await().kind())
        .isEqualTo(Resolution.Kind.PASSTHROUGH);
    assertThat(resolver.resolve(null, "ollama", null, "10.0.2.1").await().kind()).isEqualTo(Resolution.Kind.ANONYMOUS);

    CredentialResolver strict = new CredentialResolver(vertx, auth.settings(CredentialResolver.PASSTHROUGH_SETTING, "false"));
    assertFails(strict.resolve("sk-client-own-key", "openai", null, "10.0.2.1"), ErrorKind.AUTHENTICATION,
        "requires a Portcullis virtual key");
    strict.close().await();
  }

  /** Resolves again and again for up to one second; the first failure, or null when it kept succeeding. */
  private static Throwable firstFailureWithinOneSecond(Supplier<Future<Resolution>> resolve) throws InterruptedException {
    long start = System.currentTimeMillis();
    while (System.currentTimeMillis() - start < 1000) {
      Throwable failure = resolve.get().transform(r -> Future.succeededFuture(r.failed() ? r.cause() : null)).await();
      if (failure != null) {
        return failure;
      }
      Thread.sleep(20);
    }
    return null;
  }

  private static JsonObject newVirtualKey(JsonArray proxies, String expiresAt) {
    return auth.createVirtualKey("key-" + System.nanoTime(), new JsonArray().add(openaiKey.getString("id")), proxies,
        expiresAt);
  }

  private static void assertFails(Future<Resolution> resolution, ErrorKind kind, String messagePart) {
    assertThatThrownBy(resolution::await)
        .isInstanceOf(GatewayException.class)
        .hasMessageContaining(messagePart)
        .satisfies(e -> assertThat(((GatewayException) e).error().kind()).isEqualTo(kind));
  }
}
