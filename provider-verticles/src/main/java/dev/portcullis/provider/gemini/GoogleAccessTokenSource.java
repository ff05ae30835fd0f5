package dev.portcullis.provider.gemini;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OAuth2 access tokens for Vertex AI from google-auth-library: Application Default Credentials, or
 * the credentials file when one is configured, scoped to {@code cloud-platform}. Loading
 * credentials and fetching tokens block (file reads, HTTP to the token endpoint or the metadata
 * server), so both run on a worker thread; the token is cached and reused until five minutes
 * before it expires, and concurrent callers share one fetch.
 */
public final class GoogleAccessTokenSource {

  public static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

  private static final Logger LOG = LoggerFactory.getLogger(GoogleAccessTokenSource.class);
  private static final Duration REFRESH_BEFORE_EXPIRY = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final String credentialsFile;
  private final Clock clock;
  /** Touched on worker threads only, one fetch at a time. */
  private GoogleCredentials credentials;
  /** Touched on the verticle's event loop only. */
  private AccessToken cached;
  private Future<AccessToken> inFlight;

  public GoogleAccessTokenSource(Vertx vertx, String credentialsFile, Clock clock) {
    this.vertx = vertx;
    this.credentialsFile = credentialsFile;
    this.clock = clock;
  }

  /** A valid access token; fails with a 503 {@link GatewayException} when none can be had. */
  public Future<String> token() {
    if (cached != null && fresh(cached)) {
      return Future.succeededFuture(cached.getTokenValue());
    }
    if (inFlight == null) {
      inFlight = vertx.executeBlocking(this::fetch, false)
          .andThen(ar -> {
            inFlight = null;
            if (ar.succeeded()) {
              cached = ar.result();
            }
          });
    }
    return inFlight.map(AccessToken::getTokenValue)
        .recover(e -> Future.failedFuture(e instanceof GatewayException ? e : failure(e)));
  }

  private boolean fresh(AccessToken token) {
    Instant expiry = token.getExpirationTime() == null ? null : token.getExpirationTime().toInstant();
    return expiry == null || clock.instant().plus(REFRESH_BEFORE_EXPIRY).isBefore(expiry);
  }

  private AccessToken fetch() throws IOException {
    if (credentials == null) {
      credentials = load().createScoped(List.of(SCOPE));
    }
    credentials.refresh();
    AccessToken token = credentials.getAccessToken();
    if (token == null) {
      throw new IOException("the credentials gave no access token");
    }
    return token;
  }

  private GoogleCredentials load() throws IOException {
    if (credentialsFile == null) {
      return GoogleCredentials.getApplicationDefault();
    }
    try (InputStream in = new FileInputStream(credentialsFile)) {
      return GoogleCredentials.fromStream(in);
    }
  }

  private GatewayException failure(Throwable cause) {
    // google-auth messages may quote token endpoint answers: log and show the class only.
    LOG.warn("could not obtain a Google access token for Vertex AI: {}", cause.getClass().getName());
    String source = credentialsFile == null ? "Application Default Credentials"
        : "the credentials file in " + VertexAiEndpoint.CREDENTIALS_FILE;
    return GatewayError.unavailable("Portcullis could not obtain a Google access token for Vertex AI from "
        + source + " (" + cause.getClass().getSimpleName() + "). Check the service account and its access.")
        .toException();
  }
}
