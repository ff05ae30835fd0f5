package dev.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.auth.GatewayKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /api/auth/oauth2/token over HTTP, answered by a real auth-service over the bus. */
class TokenEndpointTest {

  @TempDir
  static Path dataDir;
  private static Vertx vertx;
  private static TokenEndpointServer endpoint;
  private static JsonObject client;
  private static String proxyId;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    AuthServiceHarness auth = new AuthServiceHarness(vertx, dataDir).start();
    JsonObject key = auth.createProviderKey(new JsonObject().put("provider", "openai").put("name", "k").put("apiKey", "sk-x"));
    proxyId = auth.createProxy("agents");
    client = auth.createOAuthClient("bot", new JsonArray().add(key.getString("id")), new JsonArray().add(proxyId));
    endpoint = new TokenEndpointServer(vertx, auth.gatewaySettings());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void formCredentialsGetABearerTokenForTheClientsProxies() {
    TokenEndpointServer.Answer answer = endpoint.post("grant_type=client_credentials&client_id="
        + client.getString("clientId") + "&client_secret=" + client.getString("clientSecret") + "&scope=llm%3Aproxy", null);

    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().fieldNames()).containsExactlyInAnyOrder("access_token", "token_type", "expires_in", "scope");
    assertThat(answer.body().getString("token_type")).isEqualTo("Bearer");
    assertThat(answer.body().getLong("expires_in")).isEqualTo(3600);
    assertThat(answer.body().getString("scope")).isEqualTo("llm:proxy");
    assertThat(answer.raw().headers().firstValue("Cache-Control")).contains("no-store");
    GatewayKeys published = GatewayKeys.fromJson((JsonObject) vertx.eventBus().request(Addresses.AUTH_KEYS, "").await().body());
    AccessTokens.Claims claims = AccessTokens.verify(answer.body().getString("access_token"), published,
        System.currentTimeMillis() / 1000);
    assertThat(claims.clientId()).isEqualTo(client.getString("clientId"));
    assertThat(claims.proxyIds()).containsExactly(proxyId);
  }

  @Test
  void basicCredentialsWorkAndScopeDefaultsToLlmProxy() {
    TokenEndpointServer.Answer answer = endpoint.post("grant_type=client_credentials",
        TokenEndpointServer.basic(client.getString("clientId"), client.getString("clientSecret")));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body().getString("scope")).isEqualTo("llm:proxy");
  }

  @Test
  void aWrongSecretIsInvalidClient() {
    TokenEndpointServer.Answer form = endpoint.post("grant_type=client_credentials&client_id="
        + client.getString("clientId") + "&client_secret=wrong", null);
    assertThat(form.status()).isEqualTo(401);
    assertThat(form.body().getString("error")).isEqualTo("invalid_client");
    assertThat(form.body().getString("error_description")).isNotBlank();
    assertThat(form.raw().headers().firstValue("WWW-Authenticate")).isEmpty();

    TokenEndpointServer.Answer basic = endpoint.post("grant_type=client_credentials",
        TokenEndpointServer.basic(client.getString("clientId"), "wrong"));
    assertThat(basic.status()).isEqualTo(401);
    assertThat(basic.body().getString("error")).isEqualTo("invalid_client");
    assertThat(basic.raw().headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));

    assertThat(endpoint.post("grant_type=client_credentials&client_id=pc-oc-nobody&client_secret=x", null).status())
        .isEqualTo(401);
  }

  @Test
  void badGrantsScopesAndRequestsAre400() {
    String credentials = "&client_id=" + client.getString("clientId") + "&client_secret=" + client.getString("clientSecret");
    assertError(endpoint.post("grant_type=password" + credentials, null), "unsupported_grant_type");
    assertError(endpoint.post(credentials.substring(1), null), "invalid_request");
    assertError(endpoint.post("grant_type=client_credentials&scope=admin" + credentials, null), "invalid_scope");
    assertError(endpoint.post("grant_type=client_credentials&grant_type=client_credentials" + credentials, null),
        "invalid_request");
  }

  private static void assertError(TokenEndpointServer.Answer answer, String error) {
    assertThat(answer.status()).as(answer.body().encode()).isEqualTo(400);
    assertThat(answer.body().getString("error")).isEqualTo(error);
  }
}
