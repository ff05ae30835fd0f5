package dev.portcullis.router.call;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;

/** The router's calls to provider verticles over the bus, with bus failures turned into client errors. */
public final class ProviderBus {

  /** The provider answers (or fails with 504) after the upstream timeout; the bus waits a little longer. */
  private static final long BUS_GRACE_MS = 5_000;

  private final Vertx vertx;

  public ProviderBus(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The provider verticle's reply: a {@code ProxyResponse}, a stream {@code Head}, or a {@code GatewayError}. */
  public Future<Object> request(ProxyRequest request) {
    return vertx.eventBus().<Object>request(Addresses.provider(request.provider()), request,
            new DeliveryOptions().setSendTimeout(request.timeoutMs() + BUS_GRACE_MS))
        .map(message -> message.body())
        .recover(cause -> Future.failedFuture(failure(cause, request).toException()));
  }

  static GatewayError failure(Throwable cause, ProxyRequest request) {
    if (cause instanceof GatewayException e) {
      return e.error();
    }
    String provider = request.provider();
    if (cause instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> GatewayError.unavailable("The " + provider + " provider is not running in this "
            + "deployment: no provider verticle answers " + Addresses.provider(provider) + ".");
        case TIMEOUT -> GatewayError.upstreamTimeout("The " + provider + " provider did not answer within "
            + (request.timeoutMs() + BUS_GRACE_MS) + " ms.");
        default -> GatewayError.internal("The " + provider + " provider failed: " + reply.getMessage());
      };
    }
    return GatewayError.internal("The call could not be handed to the " + provider + " provider.");
  }
}
