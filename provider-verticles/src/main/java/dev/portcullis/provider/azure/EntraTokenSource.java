package dev.portcullis.provider.azure;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Microsoft Entra ID bearer tokens for one verticle instance, per scope. azure-identity fetches
 * them with blocking I/O, so a fetch runs on a worker thread; the token is then served from here
 * until shortly before it expires, and concurrent calls wait for the one fetch in flight. Used
 * only from its verticle's event loop, so plain maps suffice.
 */
public final class EntraTokenSource {

  /** Refresh this long before expiry, so no call leaves with a token that expires on the way. */
  static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);

  private record Cached(String token, Instant expiresAt) {}

  private final Vertx vertx;
  private final TokenCredential credential;
  private final Clock clock;
  private final Map<String, Cached> cache = new HashMap<>();
  private final Map<String, Future<String>> inFlight = new HashMap<>();

  public EntraTokenSource(Vertx vertx, TokenCredential credential, Clock clock) {
    this.vertx = vertx;
    this.credential = credential;
    this.clock = clock;
  }

  /** A bearer token for the scope; never blocks. */
  public Future<String> token(String scope) {
    Cached cached = cache.get(scope);
    if (cached != null && clock.instant().plus(REFRESH_MARGIN).isBefore(cached.expiresAt())) {
      return Future.succeededFuture(cached.token());
    }
    Future<String> pending = inFlight.get(scope);
    if (pending != null) {
      return pending;
    }
    Future<String> fetched = vertx.<AccessToken>executeBlocking(
            () -> credential.getTokenSync(new TokenRequestContext().addScopes(scope)), false)
        .map(token -> {
          cache.put(scope, new Cached(token.getToken(), token.getExpiresAt().toInstant()));
          return token.getToken();
        })
        .onComplete(ar -> inFlight.remove(scope));
    inFlight.put(scope, fetched);
    return fetched;
  }
}
