package dev.portcullis.router.call;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.BusRequester;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.error.Failures;
import dev.portcullis.common.error.Failures.BusTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The router's calls to provider verticles over the bus, with bus failures turned into client
 * errors. A provider verticle is one bus hop from its upstream call, so the router waits one grace
 * period longer than the upstream timeout.
 */
public final class ProviderBus {

  private static final int HOPS_TO_UPSTREAM = 1;

  private final BusRequester bus;

  public ProviderBus(Vertx vertx) {
    this.bus = new BusRequester(vertx);
  }

  /** The provider verticle's reply: a {@code ProxyResponse}, a stream {@code Head}, or a {@code GatewayError}. */
  public Future<Object> request(ProxyRequest request) {
    return bus.<Object>request(Addresses.provider(request.provider()), request,
            Failures.busDelivery(request.timeoutMs(), HOPS_TO_UPSTREAM))
        .map(message -> message.body())
        .recover(cause -> Future.failedFuture(Failures.ofBus(cause, BusTarget.provider(request.provider(), null),
            Failures.busTimeoutMs(request.timeoutMs(), HOPS_TO_UPSTREAM)).toException()));
  }
}
