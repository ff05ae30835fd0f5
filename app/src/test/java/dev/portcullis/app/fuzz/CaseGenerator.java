package dev.portcullis.app.fuzz;

import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.error.format.AnthropicErrorFormat;
import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.common.error.format.BedrockErrorFormat;
import dev.portcullis.common.error.format.CohereErrorFormat;
import dev.portcullis.common.error.format.GeminiErrorFormat;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.gateway.routes.ProviderRoutes;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Makes case N of a seed: picks a server and a route (every provider route of the gateway's own
 * route table, the model router, the token endpoint, health and readiness; a smaller share for the
 * admin and metrics ports), a credential, a body, and mangles method, path, query, headers,
 * framing and ending. Half the cases go over raw sockets, where anything goes; the other half
 * through an HTTP client, limited to what a client can send.
 */
final class CaseGenerator {

  private final long seed;
  private final List<ProviderRoute> routes = new ArrayList<>();
  private final Credentials credentials;
  private final FuzzRig rig;

  CaseGenerator(long seed, FuzzRig rig) {
    this.seed = seed;
    this.rig = rig;
    this.credentials = new Credentials(rig);
    ProviderRoutes table = ProviderRoutes.standard();
    Set<String> providers = new LinkedHashSet<>(Providers.names());
    providers.add("model-router");
    providers.forEach(provider -> routes.addAll(table.routesOf(provider)));
    if (routes.size() < 30) {
      throw new IllegalStateException("the route table looks incomplete: " + routes.size() + " routes");
    }
  }

  List<ProviderRoute> routes() {
    return routes;
  }

  static String apiOf(ApiErrorFormat format) {
    if (format instanceof AnthropicErrorFormat) {
      return "anthropic";
    } else if (format instanceof GeminiErrorFormat) {
      return "gemini";
    } else if (format instanceof CohereErrorFormat) {
      return "cohere";
    } else if (format instanceof BedrockErrorFormat) {
      return "bedrock";
    }
    return "openai";
  }

  FuzzCase generate(int index) {
    Pick pick = new Pick(seed, index);
    FuzzCase c = new FuzzCase(index);
    c.transport = pick.chance(0.5) ? FuzzCase.Transport.RAW : FuzzCase.Transport.CLIENT;
    double where = pick.random.nextDouble();
    if (where < 0.03) {
      adminCase(pick, c);
    } else if (where < 0.05) {
      metricsCase(pick, c);
    } else if (where < 0.10) {
      tokenCase(pick, c);
    } else if (where < 0.13) {
      c.method = pick.chance(0.8) ? "GET" : pick.one("POST", "HEAD", "DELETE", "OPTIONS", "PUT");
      c.target = pick.one("/health", "/ready");
      c.tag("ops");
    } else if (where < 0.17) {
      c.method = pick.one("GET", "POST", "DELETE");
      c.target = pick.one("/", "/v1", "/v1/", "/v1/unknown/chat/completions", "/v2/openai/chat/completions",
          "/v1/openai", "/v1//openai/chat/completions", "/HEALTH", "/health/", "/metrics", "/api/admin/virtual-keys",
          "/v1/model-router", "/v1/model-router/", "/v1/model-router/chat/completions", "/v1/openai/v1/chat/completions",
          "/v1/gemini/v1beta/models/:generateContent", "/v1/bedrock/model//converse");
      c.tag("odd-path");
      credentials.add(pick, c, "openai");
      if (c.method.equals("POST")) {
        c.body = FuzzBodies.mangle(pick, c, FuzzBodies.valid(pick, "openai", "/chat/completions", false), FuzzSettings.BODY_LIMIT);
        c.header("Content-Type", "application/json");
      }
    } else {
      providerCase(pick, c);
    }
    Mangle.headers(pick, c);
    if (c.transport == FuzzCase.Transport.RAW) {
      Mangle.rawOnly(pick, c);
    }
    return c;
  }

  private void providerCase(Pick pick, FuzzCase c) {
    // The representative providers and the model router get most of the calls; every route gets some.
    ProviderRoute route;
    if (pick.chance(0.6)) {
      String provider = pick.one("openai", "anthropic", "gemini", "bedrock", "cohere", "groq", "model-router", "model-router");
      List<ProviderRoute> of = routes.stream().filter(r -> r.provider().equals(provider)).toList();
      route = pick.one(of);
    } else {
      route = pick.one(routes);
    }
    c.api = apiOf(route.errorFormat());
    c.tag("route:" + route.provider() + " " + route.method() + " " + route.path());
    boolean router = route.provider().equals("model-router");
    String proxy;
    double p = pick.random.nextDouble();
    if (router) {
      proxy = p < 0.85 ? "/" + rig.proxyId : p < 0.9 ? "/" + UUID.randomUUID() : p < 0.95 ? "/" + rig.proxyId.toUpperCase() : "";
    } else {
      proxy = p < 0.6 ? "" : p < 0.85 ? "/" + rig.proxyId : p < 0.95 ? "/" + UUID.randomUUID() : "/not-a-uuid";
    }
    String path = route.path()
        .replace("{model}", pick.chance(0.85) ? "gemini-2.5-flash" : Mangle.modelSegment(pick, c))
        .replace("{modelId}", pick.chance(0.85) ? pick.one("amazon.nova-pro-v1:0", "amazon.nova-pro-v1%3A0",
            "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.amazon.nova-pro-v1%3A0")
            : Mangle.modelSegment(pick, c));
    c.target = Mangle.path(pick, c, "/v1/" + route.provider() + proxy + path);
    c.method = pick.chance(0.88) ? route.method() : Mangle.method(pick, c);
    String query = Mangle.query(pick, c, route.provider());
    c.target += query;
    credentials.add(pick, c, route.provider());
    if (c.method.equals("POST") || c.method.equals("PUT") || c.method.equals("PATCH") || pick.chance(0.05)) {
      boolean stream = pick.chance(0.3);
      JsonObject body = FuzzBodies.valid(pick, route.provider(), route.path(), stream);
      upstreamFailure(pick, c, body);
      c.body = FuzzBodies.mangle(pick, c, body, FuzzSettings.BODY_LIMIT);
      c.header("Content-Type", "application/json");
    } else if (pick.chance(0.05)) {
      upstreamFailure(pick, c, null);
    }
  }

  /** A share of calls tells the upstream to fail, so Portcullis' handling of upstream failures is fuzzed too. */
  private static void upstreamFailure(Pick pick, FuzzCase c, JsonObject body) {
    if (!pick.chance(0.06)) {
      return;
    }
    String marker;
    if (pick.chance(0.2)) {
      marker = FakeProviders.RESET_MARKER;
      c.upstreamFailure = -1;
    } else {
      c.upstreamFailure = pick.one(500, 502, 503, 504, 529, 429, 400);
      marker = FakeProviders.FAIL_MARKER + c.upstreamFailure;
    }
    c.tag("upstream-fails:" + c.upstreamFailure);
    // In a header for passthrough calls, in the prompt for the model router (which sends its own headers).
    c.header("X-Fuzz-Upstream", marker);
    if (body != null) {
      body.put("metadata_fuzz", marker);
      if (body.containsKey("messages") && body.getValue("messages") instanceof io.vertx.core.json.JsonArray) {
        body.put("messages", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user").put("content", marker)));
      }
      if (body.containsKey("input")) {
        body.put("input", marker);
      }
      if (body.containsKey("contents")) {
        body.put("contents", new io.vertx.core.json.JsonArray().add(new JsonObject().put("role", "user")
            .put("parts", new io.vertx.core.json.JsonArray().add(new JsonObject().put("text", marker)))));
      }
    }
  }

  private void tokenCase(Pick pick, FuzzCase c) {
    c.api = "oauth";
    c.method = pick.chance(0.9) ? "POST" : Mangle.method(pick, c);
    c.target = Mangle.path(pick, c, "/api/auth/oauth2/token") + (pick.chance(0.2) ? Mangle.query(pick, c, "oauth") : "");
    c.tag("token-endpoint");
    String id = pick.chance(0.7) ? rig.oauthClientId : pick.alnum(pick.between(0, 40));
    String secret = pick.chance(0.5) ? rig.oauthClientSecret : pick.alnum(pick.between(0, 60));
    String form = pick.one(
        "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret + "&scope=llm%3Aproxy",
        "grant_type=client_credentials&client_id=" + id + "&client_secret=" + secret,
        "grant_type=password&username=a&password=b",
        "grant_type=client_credentials&client_id=%zz&client_secret=%",
        "grant_type=client_credentials&grant_type=refresh_token&client_id=" + id,
        "client_id=" + id + "&client_secret=" + secret + "&scope=" + "s".repeat(pick.between(1, 100_000)),
        "&&&=&=", "", "%", "a=" + "%E2%82".repeat(50),
        "{\"grant_type\":\"client_credentials\",\"client_id\":\"" + id + "\",\"client_secret\":\"" + secret + "\"}");
    c.body = form.getBytes(StandardCharsets.UTF_8);
    c.header("Content-Type", pick.chance(0.8) ? "application/x-www-form-urlencoded"
        : pick.one("application/json", "text/plain", "multipart/form-data; boundary=zz", "application/x-www-form-urlencoded; charset=utf-16"));
    if (pick.chance(0.3)) {
      c.header("Authorization", pick.one(
          "Basic " + java.util.Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8)),
          "Basic !!!", "Basic " + java.util.Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)),
          "Basic", "Bearer " + rig.virtualKey));
    }
  }

  private void adminCase(Pick pick, FuzzCase c) {
    c.server = FuzzCase.Server.ADMIN;
    c.api = "admin";
    String kind = pick.one("provider-keys", "llm-proxies", "virtual-keys", "oauth-clients", "limits", "nope");
    c.method = pick.one("GET", "GET", "POST", "POST", "DELETE", "PUT", "PATCH", "OPTIONS");
    String path = "/api/admin/" + kind + (c.method.equals("DELETE") || pick.chance(0.1) ? "/" + pick.one(
        UUID.randomUUID().toString(), "x", "..", "%2F", "a".repeat(5000)) : "");
    c.target = Mangle.path(pick, c, path) + (pick.chance(0.1) ? Mangle.query(pick, c, "admin") : "");
    c.tag("admin");
    double token = pick.random.nextDouble();
    if (token < 0.4) {
      c.header("Authorization", "Bearer " + dev.portcullis.app.PortcullisUnderTest.ADMIN_TOKEN);
      c.tag("admin-token");
    } else if (token < 0.7) {
      c.header("Authorization", pick.one("Bearer x", "Bearer " + rig.virtualKey, "Basic YTpi", "Bearer", "bearer  "));
    }
    if (!c.method.equals("GET") && !c.method.equals("DELETE")) {
      JsonObject body = new JsonObject().put("name", "fuzz-" + pick.alnum(6));
      switch (kind) {
        case "provider-keys" -> body.put("provider", pick.one("openai", "nope", "")).put("apiKey", pick.one(
            (Object) "sk-fuzz-admin", 5, null, new JsonObject()));
        case "virtual-keys", "oauth-clients" -> body.put("providerKeyIds", pick.one((Object) new io.vertx.core.json.JsonArray()
            .add(UUID.randomUUID().toString()), "x", null, 5)).put("expiresAt", pick.one((Object) "yesterday",
            "2020-01-01T00:00:00Z", 1E300, null));
        // Organization rules too high to refuse anything: every later call goes through the enforcer.
        // A $1 spend cap is soft (it only flags): the fuzz traffic itself spends about $1 in a run, and
        // a hard cap of $1 would rightly refuse the liveness check's call after it.
        case "limits" -> {
          JsonObject oneDollar = new JsonObject().put("amount", 1)
              .put("window", pick.one("PT6H", "P9999D", "week", "PT1H" + "9".repeat(40)));
          Object spend = pick.one((Object) null, new JsonObject().put("amount", 1E9).put("window", "month"), oneDollar);
          body.put("mode", spend == oneDollar ? "soft" : pick.one("soft", "soft", "hard", "strict"))
              .put("appliesTo", pick.one((Object) new JsonObject().put("organization", true),
              new JsonObject().put("virtualKeyId", UUID.randomUUID().toString()), new JsonObject(), "x", null))
              .put("requestsPerMinute", pick.one((Object) 1_000_000_000L, 0, -1, 1.5, "60", null))
              .put("tokensPerMinute", pick.one((Object) 1_000_000_000_000L, null, 1E300))
              .put("spendUsd", spend);
        }
        default -> { }
      }
      c.body = FuzzBodies.mangle(pick, c, body, 1 << 20);
      if (pick.chance(0.1)) {
        c.tag("admin:multipart-upload");
        c.headers.removeIf(h -> h.name().equalsIgnoreCase("Content-Type"));
        c.header("Content-Type", "multipart/form-data; boundary=fuzzb");
        c.body = ("--fuzzb\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n"
            + "Content-Type: application/octet-stream\r\n\r\n" + "z".repeat(pick.between(10, 200_000)) + "\r\n--fuzzb--\r\n")
            .getBytes(StandardCharsets.UTF_8);
      } else {
        c.header("Content-Type", "application/json");
      }
    }
  }

  private void metricsCase(Pick pick, FuzzCase c) {
    c.server = FuzzCase.Server.METRICS;
    c.api = "metrics";
    c.method = pick.chance(0.8) ? "GET" : Mangle.method(pick, c);
    c.target = pick.chance(0.8) ? "/metrics" : Mangle.path(pick, c, pick.one("/metrics", "/", "/metrics/x", "/api/admin"));
    c.target += pick.chance(0.1) ? Mangle.query(pick, c, "metrics") : "";
    c.tag("metrics");
    if (pick.chance(0.2)) {
      c.header("Authorization", pick.one("Bearer x", "Bearer " + rig.virtualKey));
    }
  }
}
