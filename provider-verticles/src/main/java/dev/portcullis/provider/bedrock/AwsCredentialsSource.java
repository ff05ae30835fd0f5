package dev.portcullis.provider.bedrock;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;

/**
 * AWS credentials for SigV4, from a provider (the SDK's default chain in production: system
 * properties, environment, web identity (IRSA), profiles, container and instance metadata).
 * Resolving may block on files or the metadata service, so it runs on a worker thread; the result
 * is cached until five minutes before it expires, or for five minutes when it states no expiry,
 * so rotated credentials are picked up. Concurrent callers share one resolution.
 */
public final class AwsCredentialsSource {

  private static final Logger LOG = LoggerFactory.getLogger(AwsCredentialsSource.class);
  private static final Duration MARGIN = Duration.ofMinutes(5);

  private final Vertx vertx;
  private final AwsCredentialsProvider provider;
  private final Clock clock;
  private AwsCredentials cached;
  private Instant reuseUntil = Instant.MIN;
  private Future<AwsCredentials> inFlight;

  public AwsCredentialsSource(Vertx vertx, AwsCredentialsProvider provider, Clock clock) {
    this.vertx = vertx;
    this.provider = provider;
    this.clock = clock;
  }

  /** The SDK's default credentials chain. */
  public static AwsCredentialsProvider defaultChain() {
    return DefaultCredentialsProvider.builder().build();
  }

  public Future<AwsCredentials> credentials() {
    if (cached != null && clock.instant().isBefore(reuseUntil)) {
      return Future.succeededFuture(cached);
    }
    if (inFlight == null) {
      inFlight = vertx.executeBlocking(provider::resolveCredentials, false)
          .andThen(ar -> {
            inFlight = null;
            if (ar.succeeded()) {
              cached = ar.result();
              reuseUntil = reuseUntil(ar.result());
            }
          });
    }
    return inFlight.recover(e -> Future.failedFuture(failure(e)));
  }

  private Instant reuseUntil(AwsCredentials credentials) {
    Instant now = clock.instant();
    Instant expiry = credentials.expirationTime().orElse(null);
    return expiry == null ? now.plus(MARGIN) : expiry.minus(MARGIN);
  }

  private static GatewayException failure(Throwable cause) {
    LOG.warn("could not resolve AWS credentials for Bedrock: {}", cause.getClass().getName());
    return GatewayError.unavailable("Portcullis could not resolve AWS credentials for Bedrock IAM authentication ("
        + cause.getClass().getSimpleName() + "). Check the AWS credentials chain (IRSA, instance profile, "
        + "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY).").toException();
  }
}
