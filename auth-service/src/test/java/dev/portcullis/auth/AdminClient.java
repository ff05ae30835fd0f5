package dev.portcullis.auth;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the admin API, as an operator's script would call it. */
public final class AdminClient {

  public record Answer(int status, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String token;

  public AdminClient(int port, String token) {
    this.base = "http://127.0.0.1:" + port;
    this.token = token;
  }

  public Answer post(String path, JsonObject body) {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  public Answer postRaw(String path, String body) {
    return send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Answer patch(String path, JsonObject body) {
    return send(request(path).method("PATCH", HttpRequest.BodyPublishers.ofString(body.encode())).build());
  }

  public Answer put(String path, JsonObject body) {
    return putRaw(path, body.encode());
  }

  public Answer putRaw(String path, String body) {
    return send(request(path).PUT(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  public Answer get(String path) {
    return send(request(path).GET().build());
  }

  public Answer delete(String path) {
    return send(request(path).DELETE().build());
  }

  /** Creates and answers the JSON of a 201, failing loudly otherwise. */
  public JsonObject create(String path, JsonObject body) {
    Answer answer = post(path, body);
    if (answer.status() != 201) {
      throw new AssertionError("POST " + path + " answered " + answer.status() + " " + answer.body());
    }
    return answer.json();
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(10))
        .header("Content-Type", "application/json");
    return token == null ? builder : builder.header("Authorization", "Bearer " + token);
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
