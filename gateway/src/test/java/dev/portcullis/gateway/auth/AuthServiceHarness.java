package dev.portcullis.gateway.auth;

import dev.portcullis.auth.AuthVerticle;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/** A real auth-service on a temporary embedded store, and an operator's HTTP client for its admin API. */
final class AuthServiceHarness {

  static final String ADMIN_TOKEN = "gateway-test-admin-token";
  /** Generated per run: a literal secret in a test would be a published one. */
  static final String AUTH_SECRET = RandomTokens.base62(48);
  static final String ORG_GROQ_KEY = "gsk-organisation-default-key";

  final Vertx vertx;
  final JsonObject config;
  private final HttpClient http = HttpClient.newHttpClient();
  private int adminPort;

  AuthServiceHarness(Vertx vertx, Path dataDir) {
    this.vertx = vertx;
    this.config = new JsonObject()
        .put("PORTCULLIS_DATA_DIR", dataDir.toString())
        .put("PORTCULLIS_ADMIN_PORT", "0")
        .put("PORTCULLIS_ADMIN_TOKEN", ADMIN_TOKEN)
        .put("ARCHESTRA_AUTH_SECRET", AUTH_SECRET)
        .put("ARCHESTRA_CHAT_GROQ_API_KEY", ORG_GROQ_KEY);
  }

  AuthServiceHarness start() {
    AuthVerticle verticle = new AuthVerticle(settings());
    vertx.deployVerticle(verticle).await();
    adminPort = verticle.adminPort();
    return this;
  }

  /** auth-service's settings: the secret, the admin token, the data dir. */
  Settings settings() {
    return new Settings(config);
  }

  /**
   * A gateway's settings: none of auth-service's secrets (no auth secret, no admin token, no data
   * dir of auth-service's), as a gateway-only process in a cluster would have.
   */
  Settings gatewaySettings() {
    return new Settings(new JsonObject());
  }

  Settings gatewaySettings(String key, String value) {
    return new Settings(new JsonObject().put(key, value));
  }

  String defaultProxyId() {
    return call("GET", "/api/admin/llm-proxies", null, 200).getJsonArray("data").stream()
        .map(JsonObject.class::cast).filter(p -> p.getBoolean("isDefault")).findFirst().orElseThrow().getString("id");
  }

  String createProxy(String name) {
    return call("POST", "/api/admin/llm-proxies", new JsonObject().put("name", name), 201).getString("id");
  }

  JsonObject createProviderKey(JsonObject body) {
    return call("POST", "/api/admin/provider-keys", body, 201);
  }

  JsonObject createVirtualKey(String name, JsonArray providerKeyIds, JsonArray proxyIds, String expiresAt) {
    JsonObject body = new JsonObject().put("name", name).put("providerKeyIds", providerKeyIds);
    if (proxyIds != null) {
      body.put("llmProxyIds", proxyIds);
    }
    if (expiresAt != null) {
      body.put("expiresAt", expiresAt);
    }
    return call("POST", "/api/admin/virtual-keys", body, 201);
  }

  JsonObject createOAuthClient(String name, JsonArray providerKeyIds, JsonArray proxyIds) {
    return call("POST", "/api/admin/oauth-clients", new JsonObject().put("name", name)
        .put("providerKeyIds", providerKeyIds).put("allowedLlmProxyIds", proxyIds), 201);
  }

  /** Rotates the token-signing key with the admin API; answers the new kid. */
  String rotateSigningKey() {
    return call("POST", "/api/admin/signing-keys/rotate", new JsonObject(), 201).getString("kid");
  }

  void delete(String kind, String id) {
    call("DELETE", "/api/admin/" + kind + "/" + id, null, 204);
  }

  private JsonObject call(String method, String path, JsonObject body, int expectedStatus) {
    try {
      HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminPort + path))
          .timeout(Duration.ofSeconds(10))
          .header("Authorization", "Bearer " + ADMIN_TOKEN)
          .header("Content-Type", "application/json")
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString(body.encode()))
          .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != expectedStatus) {
        throw new AssertionError(method + " " + path + " answered " + response.statusCode() + " " + response.body());
      }
      return response.body().isEmpty() ? new JsonObject() : new JsonObject(response.body());
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }
}
