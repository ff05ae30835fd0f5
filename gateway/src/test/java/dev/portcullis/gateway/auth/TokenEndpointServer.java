package dev.portcullis.gateway.auth;

import dev.portcullis.common.settings.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/** The token endpoint mounted the way the gateway mounts it, and a client that calls it over HTTP. */
final class TokenEndpointServer {

  record Answer(int status, JsonObject body, HttpResponse<String> raw) {}

  private final HttpClient http = HttpClient.newHttpClient();
  private final int port;

  TokenEndpointServer(Vertx vertx, Settings settings) {
    Router router = Router.router(vertx);
    router.post(TokenEndpointHandler.PATH).handler(new TokenEndpointHandler(vertx, settings));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    this.port = server.actualPort();
  }

  Answer post(String form, String authorization) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + TokenEndpointHandler.PATH))
          .timeout(Duration.ofSeconds(10))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), new JsonObject(response.body()), response);
    } catch (java.io.IOException | InterruptedException e) {
      throw new IllegalStateException(e);
    }
  }

  static String basic(String clientId, String secret) {
    return "Basic " + Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
  }

  String accessToken(JsonObject client) {
    Answer answer = post("grant_type=client_credentials&client_id=" + client.getString("clientId")
        + "&client_secret=" + client.getString("clientSecret"), null);
    if (answer.status() != 200) {
      throw new AssertionError("token endpoint answered " + answer.status() + " " + answer.body());
    }
    return answer.body().getString("access_token");
  }
}
