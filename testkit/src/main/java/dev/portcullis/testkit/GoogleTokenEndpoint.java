package dev.portcullis.testkit;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for Google's OAuth 2.0 token endpoint, for the service-account flow that
 * google-auth-library runs: it receives {@code grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer}
 * with a JWT assertion signed by the service account's private key, checks the RS256 signature with
 * the account's public key, the issuer, the audience and the expiry, and answers with an access
 * token (the audience it checks is Google's, which the library uses whatever the file's token URI).
 * {@link #writeServiceAccountFile} writes a credentials file whose {@code token_uri} points
 * here, with a freshly generated RSA key, so the real library code path is exercised end to end.
 */
public final class GoogleTokenEndpoint implements AutoCloseable {

  public static final String GOOGLE_TOKEN_AUDIENCE = "https://oauth2.googleapis.com/token";
  public static final String CLIENT_EMAIL = "portcullis-test@test-project.iam.gserviceaccount.com";

  private final HttpServer server;
  private final KeyPair keyPair;
  private final AtomicInteger issued = new AtomicInteger();
  private final List<JsonObject> assertions = new CopyOnWriteArrayList<>();
  private final List<String> rejections = new CopyOnWriteArrayList<>();
  private final long expiresInSeconds;

  private GoogleTokenEndpoint(Vertx vertx, long expiresInSeconds) {
    this.expiresInSeconds = expiresInSeconds;
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      this.keyPair = generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0));
    server.requestHandler(this::handle);
  }

  /** Starts an endpoint whose tokens live {@code expiresInSeconds}. */
  public static GoogleTokenEndpoint start(Vertx vertx, long expiresInSeconds) {
    GoogleTokenEndpoint endpoint = new GoogleTokenEndpoint(vertx, expiresInSeconds);
    endpoint.server.listen().await();
    return endpoint;
  }

  public String tokenUri() {
    return "http://127.0.0.1:" + server.actualPort() + "/token";
  }

  /** The access token issued {@code n}-th (1-based). */
  public static String accessToken(int n) {
    return "ya29.test-access-token-" + n;
  }

  public int issuedCount() {
    return issued.get();
  }

  /** The claims of every accepted assertion. */
  public List<JsonObject> assertions() {
    return List.copyOf(assertions);
  }

  /** Why assertions were refused, if any were. */
  public List<String> rejections() {
    return List.copyOf(rejections);
  }

  /** Writes a service-account key file for this endpoint's key pair and token URI. */
  public Path writeServiceAccountFile(Path file) throws IOException {
    String pem = "-----BEGIN PRIVATE KEY-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
            .encodeToString(keyPair.getPrivate().getEncoded())
        + "\n-----END PRIVATE KEY-----\n";
    JsonObject json = new JsonObject()
        .put("type", "service_account")
        .put("project_id", "test-project")
        .put("private_key_id", "test-key-1")
        .put("private_key", pem)
        .put("client_email", CLIENT_EMAIL)
        .put("client_id", "123456789")
        .put("auth_uri", "https://accounts.google.com/o/oauth2/auth")
        .put("token_uri", tokenUri());
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      Map<String, String> form = form(body.toString(StandardCharsets.UTF_8));
      String problem = check(request, form);
      if (problem != null) {
        rejections.add(problem);
        request.response().setStatusCode(400).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", "invalid_grant").put("error_description", problem).encode());
        return;
      }
      int n = issued.incrementAndGet();
      request.response().putHeader("content-type", "application/json").end(new JsonObject()
          .put("access_token", accessToken(n)).put("expires_in", expiresInSeconds).put("token_type", "Bearer")
          .encode());
    });
  }

  private String check(HttpServerRequest request, Map<String, String> form) {
    if (!request.path().equals("/token") || !request.method().name().equals("POST")) {
      return "unexpected " + request.method() + " " + request.path();
    }
    if (!"urn:ietf:params:oauth:grant-type:jwt-bearer".equals(form.get("grant_type"))) {
      return "unexpected grant_type " + form.get("grant_type");
    }
    String assertion = form.get("assertion");
    String[] parts = assertion == null ? new String[0] : assertion.split("\\.");
    if (parts.length != 3) {
      return "the assertion is not a JWT";
    }
    Base64.Decoder decoder = Base64.getUrlDecoder();
    try {
      Signature verifier = Signature.getInstance("SHA256withRSA");
      verifier.initVerify(keyPair.getPublic());
      verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      if (!verifier.verify(decoder.decode(parts[2]))) {
        return "the assertion's signature does not verify with the service account's public key";
      }
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return "the assertion's signature could not be checked: " + e;
    }
    JsonObject header = new JsonObject(new String(decoder.decode(parts[0]), StandardCharsets.UTF_8));
    JsonObject claims = new JsonObject(new String(decoder.decode(parts[1]), StandardCharsets.UTF_8));
    if (!"RS256".equals(header.getString("alg"))) {
      return "unexpected alg " + header.getString("alg");
    }
    // google-auth addresses the assertion to Google's token audience whatever token_uri says.
    if (!GOOGLE_TOKEN_AUDIENCE.equals(claims.getString("aud"))) {
      return "audience " + claims.getString("aud") + " is not " + GOOGLE_TOKEN_AUDIENCE;
    }
    if (!CLIENT_EMAIL.equals(claims.getString("iss"))) {
      return "issuer " + claims.getString("iss") + " is not the service account";
    }
    long now = System.currentTimeMillis() / 1000;
    if (claims.getLong("exp", 0L) < now) {
      return "the assertion expired";
    }
    assertions.add(claims);
    return null;
  }

  private static Map<String, String> form(String body) {
    Map<String, String> form = new HashMap<>();
    for (String pair : body.split("&")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return form;
  }

  @Override
  public void close() {
    server.close().await();
  }
}
