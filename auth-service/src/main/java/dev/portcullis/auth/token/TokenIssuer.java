package dev.portcullis.auth.token;

import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.TokenSigningKey;
import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.TokenResponse;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 section 4.4) behind
 * {@code POST /api/auth/oauth2/token}: checks the client's id and secret (form body or HTTP Basic)
 * and answers a signed access token, or an RFC 6749 error.
 */
public final class TokenIssuer {

  public static final long TOKEN_TTL_SECONDS = 3600;
  private static final Map<String, String> NO_STORE = Map.of("Cache-Control", "no-store", "Pragma", "no-cache");

  private final AuthStore store;
  private final Supplier<TokenSigningKey> signingKey;

  /** @param signingKey the key that signs now (asked at every issue: rotations take effect at once) */
  public TokenIssuer(AuthStore store, Supplier<TokenSigningKey> signingKey) {
    this.store = store;
    this.signingKey = signingKey;
  }

  private record ClientCredentials(String clientId, String clientSecret, boolean basic) {}

  /** Always succeeds with a response to send, unless the store itself fails. */
  public Future<TokenResponse> issue(TokenRequest request) {
    Map<String, String> form = request.form();
    String grantType = form.get("grant_type");
    if (grantType == null || grantType.isBlank()) {
      return Future.succeededFuture(error(400, "invalid_request", "grant_type is required"));
    }
    if (!grantType.equals("client_credentials")) {
      return Future.succeededFuture(error(400, "unsupported_grant_type",
          "Only the client_credentials grant is supported"));
    }
    ClientCredentials credentials;
    try {
      credentials = clientCredentials(request);
    } catch (IllegalArgumentException malformed) {
      return Future.succeededFuture(error(400, "invalid_request", malformed.getMessage()));
    }
    if (credentials == null) {
      return Future.succeededFuture(error(401, "invalid_client",
          "Client authentication is required: send client_id and client_secret in the form or with HTTP Basic"));
    }
    String scope = form.get("scope") == null || form.get("scope").isBlank() ? AccessTokens.SCOPE : form.get("scope").trim();
    boolean scopeAllowed = Arrays.stream(scope.split(" +")).allMatch(AccessTokens.SCOPE::equals);
    return store.findOAuthClientByClientId(credentials.clientId()).map(client -> {
      if (client.isEmpty() || !CredentialHash.sameHash(client.get().secretHash(),
          CredentialHash.sha256Hex(credentials.clientSecret()))) {
        return credentials.basic()
            ? TokenResponse.error(401, "invalid_client", "Client authentication failed",
                withNoStore("WWW-Authenticate", "Basic realm=\"portcullis\""))
            : error(401, "invalid_client", "Client authentication failed");
      }
      if (!scopeAllowed) {
        return error(400, "invalid_scope", "The only scope offered is " + AccessTokens.SCOPE);
      }
      long now = System.currentTimeMillis() / 1000;
      String token = AccessTokens.issue(signingKey.get(), client.get().clientId(), client.get().allowedLlmProxyIds(), AccessTokens.SCOPE,
          now, TOKEN_TTL_SECONDS);
      return new TokenResponse(200, new JsonObject()
          .put("access_token", token)
          .put("token_type", "Bearer")
          .put("expires_in", TOKEN_TTL_SECONDS)
          .put("scope", AccessTokens.SCOPE), NO_STORE);
    });
  }

  /** The client's credentials from exactly one place, {@code null} when none were sent. */
  private static ClientCredentials clientCredentials(TokenRequest request) {
    String authorization = request.authorization();
    boolean inForm = request.form().containsKey("client_secret");
    if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
      if (inForm) {
        throw new IllegalArgumentException("Send client credentials either with HTTP Basic or in the form, not both");
      }
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("The Basic authorization header is not valid base64");
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("The Basic authorization header must hold client_id:client_secret");
      }
      // RFC 6749 2.3.1: both parts are form-urlencoded before Basic encoding.
      return new ClientCredentials(URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
          URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8), true);
    }
    String clientId = request.form().get("client_id");
    String clientSecret = request.form().get("client_secret");
    if (clientId == null || clientSecret == null) {
      return null;
    }
    return new ClientCredentials(clientId, clientSecret, false);
  }

  private static TokenResponse error(int status, String error, String description) {
    return TokenResponse.error(status, error, description, NO_STORE);
  }

  private static Map<String, String> withNoStore(String name, String value) {
    return Map.of("Cache-Control", "no-store", "Pragma", "no-cache", name, value);
  }
}
