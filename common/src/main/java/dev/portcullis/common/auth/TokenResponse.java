package dev.portcullis.common.auth;

import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The token endpoint's answer, ready to be written by the gateway: an RFC 6749 success body
 * ({@code access_token}, ...) or error body ({@code error}, {@code error_description}), and
 * extra headers such as {@code WWW-Authenticate}.
 */
public record TokenResponse(int status, JsonObject body, Map<String, String> headers) {

  public TokenResponse {
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  public static TokenResponse error(int status, String error, String description, Map<String, String> headers) {
    return new TokenResponse(status, new JsonObject().put("error", error).put("error_description", description),
        headers);
  }

  @Override
  public String toString() {
    return "TokenResponse[" + status + (body.containsKey("error") ? " " + body.getString("error") : "") + "]";
  }
}
