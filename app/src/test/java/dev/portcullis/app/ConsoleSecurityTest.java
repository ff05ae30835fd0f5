package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The console's sign-in, sessions and CSRF protection, tried as an attacker would: wrong and junk
 * tokens, forged cookies, changes without the CSRF token or from another origin, path tricks on
 * the static files, and the hosts the console must refuse to be served on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleSecurityTest {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static PortcullisUnderTest portcullis;

  @BeforeAll
  static void start() {
    portcullis = PortcullisUnderTest.start(Map.of());
  }

  @AfterAll
  static void stop() {
    portcullis.close();
  }

  @Test
  @Order(1)
  void theRightTokenOpensASessionWhoseCookieIsHttpOnlyStrictAndNotTheToken() throws Exception {
    HttpResponse<String> signedIn = signIn(PortcullisUnderTest.ADMIN_TOKEN);
    assertThat(signedIn.statusCode()).isEqualTo(200);
    String cookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).startsWith("portcullis_console=").containsIgnoringCase("HttpOnly").contains("SameSite=Strict")
        .contains("Path=/").doesNotContain("Secure").doesNotContain(PortcullisUnderTest.ADMIN_TOKEN);
    assertThat(signedIn.headers().firstValue("Cache-Control")).contains("no-store");
    JsonObject session = new JsonObject(signedIn.body());
    assertThat(session.getString("csrfToken")).hasSizeGreaterThan(30);
    assertThat(session.getLong("idleTimeoutSeconds")).isEqualTo(1800);
    assertThat(signedIn.body()).doesNotContain(PortcullisUnderTest.ADMIN_TOKEN);

    // The page learns its CSRF token again after a reload, from the cookie alone.
    HttpResponse<String> again = send(request("/console/session").header("Cookie", cookieOf(signedIn)).GET());
    assertThat(again.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(again.body()).getString("csrfToken")).isEqualTo(session.getString("csrfToken"));
  }

  @Test
  @Order(2)
  void wrongAndJunkTokensAreRefusedInTheAdminApisFormatNamingTheField() throws Exception {
    HttpResponse<String> wrong = signIn("not-the-admin-token");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(wrong.body()).getJsonObject("error").getString("field")).isEqualTo("token");
    assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

    for (String body : List.of("", "null", "[]", "{}", "{\"token\":1}", "{\"token\":\"\"}", "{\"token\":\"a\",\"x\":1}",
        "{\"token\":\"a\",\"token\":\"" + PortcullisUnderTest.ADMIN_TOKEN + "\"}", "{\"token\":\"" + "a".repeat(600) + "\"}",
        "{\"token\":", "\u0000\u0001")) {
      HttpResponse<String> junk = send(request("/console/session").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body)));
      assertThat(junk.statusCode()).as(body).isEqualTo(400);
      assertThat(junk.headers().firstValue("Set-Cookie")).as(body).isEmpty();
    }
    // A form another site could post, and a body past the bound.
    HttpResponse<String> form = send(request("/console/session").header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("token=" + PortcullisUnderTest.ADMIN_TOKEN)));
    assertThat(form.statusCode()).isEqualTo(415);
    HttpResponse<String> huge = send(request("/console/session").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + "a".repeat(100_000) + "\"}")));
    assertThat(huge.statusCode()).isEqualTo(413);
    // Sign-in from another site's page.
    HttpResponse<String> crossSite = send(request("/console/session").header("Content-Type", "application/json")
        .header("Origin", "https://evil.example").POST(HttpRequest.BodyPublishers.ofString(
            new JsonObject().put("token", PortcullisUnderTest.ADMIN_TOKEN).encode())));
    assertThat(crossSite.statusCode()).isEqualTo(403);
    assertThat(crossSite.headers().firstValue("Set-Cookie")).isEmpty();
  }

  @Test
  @Order(3)
  void aSessionReadsButChangesOnlyWithItsCsrfTokenFromItsOwnOrigin() throws Exception {
    HttpResponse<String> signedIn = signIn(PortcullisUnderTest.ADMIN_TOKEN);
    String cookie = cookieOf(signedIn);
    String csrf = new JsonObject(signedIn.body()).getString("csrfToken");
    String providerKey = new JsonObject().put("provider", "openai").put("name", "from-console")
        .put("apiKey", "sk-console-secret").encode();

    assertThat(send(request("/api/admin/provider-keys").header("Cookie", cookie).GET()).statusCode()).isEqualTo(200);
    int before = providerKeys().size();
    List<HttpRequest.Builder> forged = List.of(
        request("/api/admin/provider-keys").header("Cookie", cookie),
        request("/api/admin/provider-keys").header("Cookie", cookie).header("X-CSRF-Token", csrf + "x"),
        request("/api/admin/provider-keys").header("Cookie", cookie).header("X-CSRF-Token", ""),
        request("/api/admin/provider-keys").header("Cookie", cookie).header("X-CSRF-Token", csrf)
            .header("Origin", "http://evil.example"),
        request("/api/admin/provider-keys").header("Cookie", cookie).header("X-CSRF-Token", csrf)
            .header("Origin", "null"),
        request("/api/admin/provider-keys").header("Cookie", cookie).header("X-CSRF-Token", csrf)
            .header("Sec-Fetch-Site", "cross-site"),
        request("/api/admin/provider-keys").header("Cookie", cookie).header("X-CSRF-Token", csrf)
            .header("Sec-Fetch-Site", "same-site"));
    for (HttpRequest.Builder attempt : forged) {
      HttpResponse<String> refused = send(attempt.header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(providerKey)));
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message")).contains("X-CSRF-Token");
    }
    assertThat(providerKeys()).hasSize(before);

    // A forged or stale cookie is no session at all; a wrong bearer token is refused even beside a live one.
    assertThat(send(request("/api/admin/provider-keys").header("Cookie", "portcullis_console=forged").GET())
        .statusCode()).isEqualTo(401);
    assertThat(send(request("/api/admin/provider-keys").header("Cookie", cookie)
        .header("Authorization", "Bearer wrong").GET()).statusCode()).isEqualTo(401);

    HttpResponse<String> created = send(request("/api/admin/provider-keys").header("Cookie", cookie)
        .header("X-CSRF-Token", csrf).header("Origin", portcullis.adminUrl()).header("Sec-Fetch-Site", "same-origin")
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(providerKey)));
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.body()).doesNotContain("sk-console-secret");
    assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(providerKeys()).hasSize(before + 1);

    // Signing out needs the token too, and ends the session for every later call.
    assertThat(send(request("/console/session").header("Cookie", cookie).DELETE()).statusCode()).isEqualTo(403);
    HttpResponse<String> out = send(request("/console/session").header("Cookie", cookie).header("X-CSRF-Token", csrf)
        .DELETE());
    assertThat(out.statusCode()).isEqualTo(204);
    assertThat(out.headers().firstValue("Set-Cookie").orElseThrow()).contains("Max-Age=0");
    assertThat(send(request("/api/admin/provider-keys").header("Cookie", cookie).GET()).statusCode()).isEqualTo(401);
    assertThat(send(request("/console/session").header("Cookie", cookie).GET()).statusCode()).isEqualTo(401);
  }

  @Test
  @Order(4)
  void pagesAndFilesCarryAStrictPolicyAndPathTricksReachNothingElse() throws Exception {
    HttpResponse<String> script = send(request("/console/assets/docs.js").GET());
    assertThat(script.statusCode()).isEqualTo(200);
    assertThat(script.headers().firstValue("Content-Type").orElseThrow()).contains("javascript");
    String policy = script.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(policy).contains("script-src 'self'").contains("frame-ancestors 'none'").doesNotContain("unsafe");
    assertThat(script.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(script.headers().firstValue("X-Frame-Options")).contains("DENY");

    HttpResponse<String> chart = send(request("/console/lib/uplot/dist/uPlot.iife.min.js").GET());
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.body()).contains("uPlot");

    // Not signed in: the docs page sends the browser to the sign-in form; signed in, it is served.
    HttpResponse<String> docs = send(request("/api/admin/docs").GET());
    assertThat(docs.statusCode()).isEqualTo(302);
    assertThat(docs.headers().firstValue("Location")).contains("/");
    String cookie = cookieOf(signIn(PortcullisUnderTest.ADMIN_TOKEN));
    HttpResponse<String> signedInDocs = send(request("/api/admin/docs").header("Cookie", cookie).GET());
    assertThat(signedInDocs.statusCode()).isEqualTo(200);
    assertThat(signedInDocs.body()).contains("swagger-ui-bundle.js").doesNotContain("<script>");
    assertThat(signedInDocs.headers().firstValue("Content-Security-Policy").orElseThrow())
        .contains("script-src 'self';").contains("frame-ancestors 'none'");
    assertThat(send(request("/api/admin/docs/assets/swagger-ui-bundle.js").GET()).statusCode()).isEqualTo(200);

    for (String path : List.of("/console/assets/", "/console/assets/../../logback.xml",
        "/console/assets/%2e%2e/%2e%2e/logback.xml", "/console/assets/..%2f..%2flogback.xml",
        "/console/lib/uplot/../../../META-INF/MANIFEST.MF", "/console/lib/uplot/%2e%2e/%2e%2e/%2e%2e/%2e%2e/logback.xml",
        "/console/assets/.hidden", "/console/assets//etc/passwd", "/console/assets/%00", "/console/nothing")) {
      HttpResponse<String> probe = send(HttpRequest.newBuilder(URI.create(portcullis.adminUrl() + path)).GET());
      assertThat(probe.statusCode()).as(path).isIn(400, 401, 403, 404);
      assertThat(probe.body()).as(path).doesNotContain("<configuration").doesNotContain("Manifest-Version")
          .doesNotContain("root:");
    }
  }

  @Test
  @Order(5)
  void tenWrongTokensInAMinuteCloseTheFormEvenToTheRightOne() throws Exception {
    int refused = 0;
    HttpResponse<String> last = null;
    for (int i = 0; i < 12; i++) {
      last = signIn("guess-" + i);
      if (last.statusCode() == 429) {
        refused++;
      }
    }
    assertThat(refused).isGreaterThanOrEqualTo(1);
    assertThat(last.headers().firstValue("Retry-After")).isPresent();
    HttpResponse<String> right = signIn(PortcullisUnderTest.ADMIN_TOKEN);
    assertThat(right.statusCode()).isEqualTo(429);
    assertThat(right.headers().firstValue("Set-Cookie")).isEmpty();
    // The API with the bearer token is not behind the form's throttle.
    assertThat(providerKeys()).isNotNull();
  }

  @Test
  void theConsoleRefusesPlainHttpBeyondLoopbackUnlessToldAndIsSecureOverTls(@TempDir Path dir) throws Exception {
    assertThatThrownBy(() -> PortcullisUnderTest.start(Map.of("PORTCULLIS_ADMIN_HOST", "0.0.0.0")))
        .satisfies(e -> assertThat(settingIn(e)).isEqualTo("PORTCULLIS_CONSOLE_ALLOW_PLAIN_HTTP"));
    try (PortcullisUnderTest apiOnly = PortcullisUnderTest.start(Map.of("PORTCULLIS_ADMIN_HOST", "0.0.0.0",
        "PORTCULLIS_CONSOLE", "false"))) {
      HttpResponse<String> noConsole = send(HttpRequest.newBuilder(URI.create(apiOnly.adminUrl() + "/console/session"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", PortcullisUnderTest.ADMIN_TOKEN).encode())));
      assertThat(noConsole.statusCode()).isIn(401, 404);
      assertThat(noConsole.headers().firstValue("Set-Cookie")).isEmpty();
    }

    LoopbackCertificate pair = LoopbackCertificate.create("portcullis-admin");
    Path cert = dir.resolve("admin.crt");
    Path key = dir.resolve("admin.key");
    pair.writeTo(cert, key);
    try (PortcullisUnderTest tls = PortcullisUnderTest.start(Map.of("PORTCULLIS_ADMIN_HOST", "0.0.0.0",
        "PORTCULLIS_ADMIN_TLS_CERT_FILE", cert.toString(), "PORTCULLIS_ADMIN_TLS_KEY_FILE", key.toString()))) {
      SSLContext trusting = LoopbackCertificate.trusting(pair);
      HttpClient https = HttpClient.newBuilder().sslContext(trusting).build();
      String base = tls.adminUrl().replace("http://", "https://");
      HttpResponse<String> signedIn = https.send(HttpRequest.newBuilder(URI.create(base + "/console/session"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", PortcullisUnderTest.ADMIN_TOKEN).encode()))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signedIn.statusCode()).isEqualTo(200);
      assertThat(signedIn.headers().firstValue("Set-Cookie").orElseThrow()).contains("Secure").containsIgnoringCase("HttpOnly");
      // Plain HTTP to the TLS port gets nothing.
      assertThatThrownBy(() -> send(HttpRequest.newBuilder(URI.create(tls.adminUrl() + "/console/session")).GET()))
          .isNotNull();
    }
  }

  private static String settingIn(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SettingsException settings) {
        return settings.setting();
      }
    }
    throw new AssertionError("no SettingsException in " + e, e);
  }

  private static JsonArray providerKeys() throws Exception {
    HttpResponse<String> listed = send(request("/api/admin/provider-keys")
        .header("Authorization", "Bearer " + PortcullisUnderTest.ADMIN_TOKEN).GET());
    assertThat(listed.statusCode()).isEqualTo(200);
    return new JsonObject(listed.body()).getJsonArray("data");
  }

  private static HttpResponse<String> signIn(String token) throws Exception {
    return send(request("/console/session").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("token", token).encode())));
  }

  private static String cookieOf(HttpResponse<String> signedIn) {
    String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(portcullis.adminUrl() + path)).timeout(Duration.ofSeconds(10));
  }

  private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (CompletionException e) {
      throw (Exception) e.getCause();
    }
  }
}
