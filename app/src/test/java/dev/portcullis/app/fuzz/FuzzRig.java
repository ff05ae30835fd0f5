package dev.portcullis.app.fuzz;

import dev.portcullis.app.PortcullisUnderTest;
import dev.portcullis.common.provider.OpenAiCompatibleProviders;
import dev.portcullis.common.provider.OpenAiCompatibleSpec;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the fuzz run attacks: one Portcullis started in-process, every provider pointed at one
 * loopback test upstream ({@link FakeProviders}) so that no fuzzed call can leave this machine, a
 * stored canary key per representative provider, an LLM proxy for the model router, a canary
 * virtual key mapped to those keys, and an OAuth client with its access token.
 */
final class FuzzRig implements AutoCloseable {

  /** Providers with a stored canary key, mapped on the canary virtual key (the model router's set). */
  static final List<String> STORED_KEY_PROVIDERS = List.of("openai", "anthropic", "gemini", "cohere", "bedrock", "groq");

  final Canaries canaries = new Canaries();
  final Vertx upstreamVertx = Vertx.vertx();
  final FakeProviders fake = new FakeProviders(canaries);
  final RecordingUpstream upstream;
  final PortcullisUnderTest portcullis;
  final String proxyId;
  final String virtualKey;
  final String oauthToken;
  final String oauthClientId;
  final String oauthClientSecret;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private boolean gatewayClosed;

  FuzzRig() {
    // Limits above the gateway's own, so the test upstream never refuses what Portcullis forwards.
    upstream = RecordingUpstream.start(upstreamVertx, new io.vertx.core.http.HttpServerOptions().setHost("127.0.0.1")
        .setPort(0).setMaxHeaderSize(1 << 20).setMaxInitialLineLength(1 << 20)).stopRecording();
    upstream.onPrefix("POST", "/", fake).onPrefix("GET", "/", fake);
    portcullis = PortcullisUnderTest.start(settings(upstream));
    JsonArray keyIds = new JsonArray();
    for (String provider : STORED_KEY_PROVIDERS) {
      String key = Canaries.providerKey(provider, "stored");
      canaries.add("the stored " + provider + " key", key);
      keyIds.add(admin("provider-keys", new JsonObject().put("provider", provider).put("name", "fuzz-" + provider)
          .put("apiKey", key)).getString("id"));
    }
    proxyId = admin("llm-proxies", new JsonObject().put("name", "fuzz-router")).getString("id");
    // Policies on the router's proxy and on the default one (the provider routes'): every fuzzed
    // call runs through the policy engine, its conversation readers and its answer gates.
    guard(proxyId);
    guard(defaultProxyId());
    virtualKey = admin("virtual-keys", new JsonObject().put("name", "fuzz-canary").put("providerKeyIds", keyIds))
        .getString("key");
    canaries.addPortcullisSecret("the canary virtual key", virtualKey);
    JsonObject client = admin("oauth-clients", new JsonObject().put("name", "fuzz-client").put("providerKeyIds", keyIds)
        .put("allowedLlmProxyIds", new JsonArray().add(proxyId)));
    oauthClientId = client.getString("clientId");
    oauthClientSecret = client.getString("clientSecret");
    canaries.addPortcullisSecret("the OAuth client secret", oauthClientSecret);
    oauthToken = token();
    canaries.addPortcullisSecret("the OAuth access token", oauthToken);
    canaries.add("the admin token", PortcullisUnderTest.ADMIN_TOKEN);
    for (String provider : List.of("openai", "anthropic", "gemini", "cohere", "bedrock", "groq", "mistral")) {
      canaries.add("a caller's own " + provider + " key", Canaries.providerKey(provider, "passthrough"));
    }
  }

  /**
   * Every provider's base URL on the loopback upstream: providers left at their defaults would send
   * fuzzed calls to the real APIs. Each gets its own path prefix, which tells the fake who it is.
   */
  static Map<String, String> upstreamSettings(RecordingUpstream upstream) {
    Map<String, String> env = new HashMap<>();
    env.put("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/openai/v1"));
    env.put("ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic"));
    env.put("ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini"));
    env.put("ARCHESTRA_COHERE_BASE_URL", upstream.baseUrl("/cohere"));
    env.put("ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl("/bedrock"));
    env.put("ARCHESTRA_GROQ_BASE_URL", upstream.baseUrl("/groq/openai/v1"));
    env.put("ARCHESTRA_AZURE_OPENAI_BASE_URL", upstream.baseUrl("/azure/openai/v1"));
    // Every other entry of the OpenAI-compatible table, whatever it holds: a provider added to it is
    // fuzzed against loopback from the start, never against its real API.
    for (OpenAiCompatibleSpec compatible : OpenAiCompatibleProviders.all()) {
      compatible.baseUrlSettings().forEach(setting ->
          env.putIfAbsent(setting, upstream.baseUrl("/" + compatible.name() + "/v1")));
    }
    env.put("ARCHESTRA_GEMINI_VERTEX_AI_BASE_URL", upstream.baseUrl("/vertex"));
    return env;
  }

  private static Map<String, String> settings(RecordingUpstream upstream) {
    Map<String, String> env = upstreamSettings(upstream);
    env.values().forEach(url -> {
      if (!url.startsWith("http://127.0.0.1:")) {
        throw new IllegalStateException("the fuzz run talks to loopback only, not " + url);
      }
    });
    // Small enough that over-limit bodies are cheap to send; the limit's code path is the same.
    env.put("ARCHESTRA_API_BODY_LIMIT", FuzzSettings.BODY_LIMIT_SETTING);
    env.put("ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS", "10000");
    env.put("PORTCULLIS_DRAIN_TIMEOUT_MS", String.valueOf(FuzzSettings.DRAIN_TIMEOUT_MS));
    return env;
  }

  private JsonObject admin(String kind, JsonObject body) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(portcullis.adminUrl() + "/api/admin/" + kind))
        .header("Authorization", "Bearer " + PortcullisUnderTest.ADMIN_TOKEN)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
    if (response.statusCode() != 201) {
      throw new IllegalStateException("creating " + kind + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }

  /** The policies the fuzzed proxies have: a rule of each kind, none that refuses ordinary calls. */
  static final JsonObject POLICIES = new JsonObject("""
      {"toolInvocation":[{"tool":"delete_*","action":"block"},{"tool":"send_*","action":"block_when_context_untrusted"},
         {"tool":"fetch_url","argument":"$.url","matches":"^https://intranet\\\\.","action":"block"}],
       "trustedData":{"default":"untrusted","rules":[{"tool":"read_*","trust":"trusted"},
         {"tool":"*","resultMatches":"FUZZ-EXFIL","trust":"blocked"}]},
       "sensitiveData":[{"detector":"private-key","action":"block"},{"detector":"email","action":"redact",
         "direction":"both"},{"detector":"virtual-key","action":"redact"},{"detector":"phone","action":"log"}]}""");

  private void guard(String id) {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(portcullis.adminUrl()
            + "/api/admin/llm-proxies/" + id + "/policies"))
        .header("Authorization", "Bearer " + PortcullisUnderTest.ADMIN_TOKEN).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(POLICIES.encode())).build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("setting policies answered " + response.statusCode() + ": " + response.body());
    }
  }

  private String defaultProxyId() {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(portcullis.adminUrl()
            + "/api/admin/llm-proxies")).header("Authorization", "Bearer " + PortcullisUnderTest.ADMIN_TOKEN).GET()
        .build());
    for (Object proxy : new JsonObject(response.body()).getJsonArray("data")) {
      if (((JsonObject) proxy).getBoolean("isDefault", false)) {
        return ((JsonObject) proxy).getString("id");
      }
    }
    throw new IllegalStateException("no default LLM proxy in " + response.body());
  }

  private String token() {
    String form = "grant_type=client_credentials&scope=llm%3Aproxy&client_id="
        + URLEncoder.encode(oauthClientId, StandardCharsets.UTF_8) + "&client_secret="
        + URLEncoder.encode(oauthClientSecret, StandardCharsets.UTF_8);
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(portcullis.url("/api/auth/oauth2/token")))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(form)).build());
    if (response.statusCode() != 200) {
      throw new IllegalStateException("the token endpoint answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body()).getString("access_token");
  }

  HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new IllegalStateException(request.method() + " " + request.uri() + " failed: " + e, e);
    }
  }

  int adminPort() {
    return URI.create(portcullis.adminUrl()).getPort();
  }

  /** Stops the gateway and says how long its drain took (calls still counted in flight make it wait). */
  long closeGatewayMillis() {
    long started = System.nanoTime();
    portcullis.close();
    gatewayClosed = true;
    return (System.nanoTime() - started) / 1_000_000;
  }

  @Override
  public void close() {
    if (!gatewayClosed) {
      portcullis.close();
    }
    upstream.close();
    upstreamVertx.close().await();
  }
}
