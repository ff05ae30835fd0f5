package dev.portcullis.provider.anthropic;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Microsoft Entra ID bearer tokens for Claude on Microsoft Foundry, scope
 * {@value #SCOPE}. azure-identity fetches tokens with blocking calls, so a fetch runs on a worker
 * thread ({@code executeBlocking}); the token is cached and shared by every verticle instance,
 * refreshed in the background once it is within {@link #REFRESH_AHEAD} of expiry, and only a caller
 * that finds no usable token waits for a fetch. Concurrent callers share one fetch.
 *
 * <p>Neither the token nor anything derived from it appears in a log line, an error or {@link #toString()}.
 */
public final class FoundryEntraTokenSource {

  public static final String SCOPE = "https://ai.azure.com/.default";

  /** azure-identity's own refresh offset: a token this close to expiry is renewed. */
  static final Duration REFRESH_AHEAD = Duration.ofMinutes(5);
  /** A token this close to expiry is not sent: it could expire on the way. */
  static final Duration MINIMUM_VALIDITY = Duration.ofSeconds(30);

  private static final Logger LOG = LoggerFactory.getLogger(FoundryEntraTokenSource.class);

  private final TokenCredential credential;
  private final Clock clock;
  private final TokenRequestContext request = new TokenRequestContext().addScopes(SCOPE);
  private volatile AccessToken cached;
  private CompletableFuture<AccessToken> inFlight;

  public FoundryEntraTokenSource(TokenCredential credential) {
    this(credential, Clock.systemUTC());
  }

  FoundryEntraTokenSource(TokenCredential credential, Clock clock) {
    this.credential = credential;
    this.clock = clock;
  }

  /**
   * The production identity: {@code DefaultAzureCredential} (environment, workload identity,
   * managed identity, Azure CLI, ...). Building it makes no network call.
   */
  public static FoundryEntraTokenSource withDefaultCredential() {
    return new FoundryEntraTokenSource(new DefaultAzureCredentialBuilder().build());
  }

  /** A bearer token for the Foundry endpoint; completes on the caller's context. */
  public Future<String> token(Vertx vertx) {
    AccessToken token = cached;
    OffsetDateTime now = OffsetDateTime.now(clock);
    if (token != null && token.getExpiresAt().isAfter(now.plus(REFRESH_AHEAD))) {
      return Future.succeededFuture(token.getToken());
    }
    CompletableFuture<AccessToken> fetch = fetch(vertx);
    if (token != null && token.getExpiresAt().isAfter(now.plus(MINIMUM_VALIDITY))) {
      // Still valid: use it while the refresh runs.
      return Future.succeededFuture(token.getToken());
    }
    return Future.fromCompletionStage(fetch, vertx.getOrCreateContext()).map(AccessToken::getToken);
  }

  private synchronized CompletableFuture<AccessToken> fetch(Vertx vertx) {
    if (inFlight != null) {
      return inFlight;
    }
    CompletableFuture<AccessToken> fetch = new CompletableFuture<>();
    inFlight = fetch;
    vertx.executeBlocking(() -> credential.getTokenSync(request), false).onComplete(ar -> {
      synchronized (this) {
        inFlight = null;
      }
      if (ar.succeeded() && ar.result() != null) {
        cached = ar.result();
        fetch.complete(ar.result());
      } else {
        Throwable cause = ar.failed() ? ar.cause() : new IllegalStateException("no token");
        // The class name only: identity libraries' messages may quote configuration.
        LOG.warn("Microsoft Entra ID token fetch for scope {} failed: {}", SCOPE, cause.getClass().getName());
        fetch.completeExceptionally(new GatewayException(GatewayError.unavailable(
            "Portcullis could not obtain a Microsoft Entra ID token (scope " + SCOPE + ") for Claude on Microsoft "
                + "Foundry (" + cause.getClass().getSimpleName() + "). Check the workload or managed identity of "
                + "this deployment, or turn off ARCHESTRA_ANTHROPIC_AZURE_FOUNDRY_ENTRA_ID_ENABLED and use a key.")));
      }
    });
    return fetch;
  }

  @Override
  public String toString() {
    return "FoundryEntraTokenSource[scope=" + SCOPE + ", credential=" + credential.getClass().getSimpleName() + "]";
  }
}
