package dev.portcullis.app.security;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** The admin API as the security tests drive it: plain HTTP with the admin token. */
final class AdminCalls {

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private final String baseUrl;
  private final String token;

  AdminCalls(String baseUrl, String token) {
    this.baseUrl = baseUrl;
    this.token = token;
  }

  JsonObject create(String kind, JsonObject body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(baseUrl + "/api/admin/" + kind))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != 201) {
      throw new AssertionError("creating " + kind + " answered " + response.statusCode() + ": " + response.body());
    }
    return new JsonObject(response.body());
  }
}
