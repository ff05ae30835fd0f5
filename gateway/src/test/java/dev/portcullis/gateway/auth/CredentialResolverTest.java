package dev.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.auth.GatewayKeys;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.auth.TokenSigningKey;
import dev.portcullis.common.auth.VirtualKeyFormat;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
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
    resolver = new CredentialResolver(vertx, auth.gatewaySettings());
    tokenEndpoint = new TokenEndpointServer(vertx, auth.gatewaySettings());
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
    CredentialResolver fresh = new CredentialResolver(vertx, auth.gatewaySettings());
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

  /** A key with a valid checksum that was never issued (what a deleted key looks like). */
  private static String wellFormedUnknownKey() {
    return VirtualKeyFormat.mint(VirtualKeyFormat.checksumKey(AuthServiceHarness.AUTH_SECRET));
  }

  @Test
  void theEleventhFailedLookupFromOneAddressIsRateLimitedButAValidKeyStillGetsThrough() {
    JsonObject valid = newVirtualKey(null, null);
    for (int i = 0; i < 10; i++) {
      assertFails(resolver.resolve(wellFormedUnknownKey(), "openai", null, "10.9.9.9"),
          ErrorKind.AUTHENTICATION, "Invalid virtual key");
    }
    assertFails(resolver.resolve(wellFormedUnknownKey(), "openai", null, "10.9.9.9"), ErrorKind.RATE_LIMITED, "Too many");
    assertFails(resolver.resolve(wellFormedUnknownKey(), "openai", null, "10.9.9.8"),
        ErrorKind.AUTHENTICATION, "Invalid virtual key");
    assertThat(resolver.resolve(valid.getString("key"), "openai", null, "10.9.9.9").await().isResolved())
        .as("a valid key from the blocked address").isTrue();
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() {
    for (int i = 0; i < 10; i++) {
      assertFails(resolver.resolve(wellFormedUnknownKey(), "openai", null, "2001:db8:77:1::" + Integer.toHexString(i + 1)),
          ErrorKind.AUTHENTICATION, "Invalid virtual key");
    }
    assertFails(resolver.resolve(wellFormedUnknownKey(), "openai", null, "2001:db8:77:1:ffff:ffff:ffff:ffff"),
        ErrorKind.RATE_LIMITED, "Too many");
    assertFails(resolver.resolve(wellFormedUnknownKey(), "openai", null, "2001:db8:77:2::1"),
        ErrorKind.AUTHENTICATION, "Invalid virtual key");
  }

  @Test
  void aMadeUpVirtualKeyIsRefusedWithoutAskingAuthService() {
    resolver.resolve(newVirtualKey(null, null).getString("key"), "openai", null, "10.0.3.1").await();
    AtomicInteger verifyCalls = countRequests(Addresses.AUTH_VERIFY);
    for (String junk : List.of("pc-vk-" + "x".repeat(40), "pc-vk-" + RandomTokens.base62(51), "pc-vk-",
        "pc-vk-" + RandomTokens.base62(40))) {
      assertFails(resolver.resolve(junk, "openai", null, "10.0.3.1"), ErrorKind.AUTHENTICATION, "Invalid virtual key");
    }
    // Well over the limiter's ten: junk never counts, so this address is not blocked either.
    for (int i = 0; i < 30; i++) {
      assertFails(resolver.resolve("pc-vk-" + RandomTokens.base62(51), "openai", null, "10.0.3.1"),
          ErrorKind.AUTHENTICATION, "Invalid virtual key");
    }
    assertThat(verifyCalls.get()).as("requests to portcullis.auth.verify").isZero();
    assertThat(resolver.resolve(newVirtualKey(null, null).getString("key"), "openai", null, "10.0.3.1").await()
        .isResolved()).isTrue();
    assertThat(verifyCalls.get()).isEqualTo(1);
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
  void forgedTokensAre401() throws Exception {
    JsonObject client = auth.createOAuthClient("bot-" + System.nanoTime(),
        new JsonArray().add(openaiKey.getString("id")), new JsonArray().add(proxyA));
    long now = System.currentTimeMillis() / 1000;
    String genuine = tokenEndpoint.accessToken(client);
    String kid = AccessTokens.keyIdOf(genuine);
    String[] parts = genuine.split("\\.");

    // Signed by a key of the attacker's own, under its own pc- kid.
    String foreignKey = AccessTokens.issue(TokenSigningKey.generate(), client.getString("clientId"), List.of(proxyA),
        AccessTokens.SCOPE, now, 3600);
    assertFails(resolver.resolve(foreignKey, "openai", proxyA, "10.0.1.2"), ErrorKind.AUTHENTICATION, "unknown key");

    // Our kid, no signature.
    String none = b64(new JsonObject().put("alg", "none").put("typ", "JWT").put("kid", kid).encode()) + "." + parts[1] + ".";
    assertFails(resolver.resolve(none, "openai", proxyA, "10.0.1.2"), ErrorKind.AUTHENTICATION, "");

    // Our kid, HS256 keyed with the public key a gateway holds.
    GatewayKeys published = GatewayKeys.fromJson((JsonObject) vertx.eventBus().request(Addresses.AUTH_KEYS, "").await().body());
    SignedJWT hs256 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(kid).build(),
        JWTClaimsSet.parse(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)));
    hs256.sign(new MACSigner(published.publicKey(kid).toECPublicKey().getEncoded()));
    assertFails(resolver.resolve(hs256.serialize(), "openai", proxyA, "10.0.1.2"), ErrorKind.AUTHENTICATION,
        "unsupported signing algorithm");

    // The genuine signature over other claims (a wider proxy list).
    String widened = b64(new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace(proxyA, proxyB));
    assertFails(resolver.resolve(parts[0] + "." + widened + "." + parts[2], "openai", proxyB, "10.0.1.2"),
        ErrorKind.AUTHENTICATION, "signature");
    String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
    assertFails(resolver.resolve(tampered, "openai", proxyA, "10.0.1.2"), ErrorKind.AUTHENTICATION, "");

    assertThat(resolver.resolve(genuine, "openai", proxyA, "10.0.1.2").await().isResolved()).isTrue();
  }

  @Test
  void tokensWithUnknownKidsFetchTheKeysAgainAtABoundedRate() {
    resolver.resolve(tokenEndpoint.accessToken(auth.createOAuthClient("bot-" + System.nanoTime(),
        new JsonArray().add(openaiKey.getString("id")), new JsonArray().add(proxyA))), "openai", proxyA, "10.0.1.4").await();
    AtomicInteger keyFetches = countRequests(Addresses.AUTH_KEYS);
    long now = System.currentTimeMillis() / 1000;
    for (int i = 0; i < 50; i++) {
      String forged = AccessTokens.issue(TokenSigningKey.generate(), "pc-oc-x", List.of(), AccessTokens.SCOPE, now, 60);
      assertFails(resolver.resolve(forged, "openai", null, "10.0.1.4"), ErrorKind.AUTHENTICATION, "unknown key");
    }
    assertThat(keyFetches.get()).as("key fetches for 50 unknown kids").isLessThanOrEqualTo(1);
  }

  @Test
  void aRotationIsPickedUpAndTokensOfThePreviousKeyKeepWorking() throws Exception {
    JsonObject client = auth.createOAuthClient("bot-" + System.nanoTime(),
        new JsonArray().add(openaiKey.getString("id")), new JsonArray().add(proxyA));
    String before = tokenEndpoint.accessToken(client);
    assertThat(resolver.resolve(before, "openai", proxyA, "10.0.1.5").await().isResolved()).isTrue();

    String newKid = auth.rotateSigningKey();
    String after = tokenEndpoint.accessToken(client);
    assertThat(AccessTokens.keyIdOf(after)).isEqualTo(newKid);
    assertThat(resolver.resolve(after, "openai", proxyA, "10.0.1.5").await().isResolved()).isTrue();
    assertThat(resolver.resolve(before, "openai", proxyA, "10.0.1.5").await().isResolved()).isTrue();
  }

  @Test
  void aGatewayWithoutTheAuthSecretVerifiesTokensAndTouchesNoSecretFile(@TempDir Path gatewayDir) {
    Settings gatewayOnly = new Settings(new JsonObject().put("PORTCULLIS_DATA_DIR", gatewayDir.toString())
        .put("PORTCULLIS_ROLES", "gateway"));
    assertThat(gatewayOnly.string("ARCHESTRA_AUTH_SECRET")).isNull();
    CredentialResolver gateway = new CredentialResolver(vertx, gatewayOnly);
    JsonObject client = auth.createOAuthClient("bot-" + System.nanoTime(),
        new JsonArray().add(openaiKey.getString("id")), new JsonArray().add(proxyA));
    Resolution resolution = gateway.resolve(tokenEndpoint.accessToken(client), "openai", proxyA, "10.0.1.6").await();
    assertThat(resolution.credential().apiKey()).isEqualTo(OPENAI_KEY);
    assertThat(gateway.resolve(newVirtualKey(null, null).getString("key"), "openai", null, "10.0.1.6").await()
        .isResolved()).isTrue();
    assertThat(gatewayDir).isEmptyDirectory();
    gateway.close().await();
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

    CredentialResolver strict = new CredentialResolver(vertx, auth.gatewaySettings(CredentialResolver.PASSTHROUGH_SETTING, "false"));
    assertFails(strict.resolve("sk-client-own-key", "openai", null, "10.0.2.1"), ErrorKind.AUTHENTICATION,
        "requires a Portcullis virtual key");
    strict.close().await();
  }

  /** Counts requests sent on the bus to {@code address} from now on. */
  private static AtomicInteger countRequests(String address) {
    AtomicInteger count = new AtomicInteger();
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (address.equals(delivery.message().address())) {
        count.incrementAndGet();
      }
      delivery.next();
    });
    return count;
  }

  private static String b64(String json) {
    return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
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
