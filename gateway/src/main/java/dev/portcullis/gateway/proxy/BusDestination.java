package dev.portcullis.gateway.proxy;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.error.Failures;
import dev.portcullis.common.error.Failures.BusTarget;
import java.util.function.Supplier;

/**
 * Where the gateway sends a call over the bus, how many bus hops lie between it and the upstream
 * call (each adds one grace period to the wait, {@link Failures#busTimeoutMs}), and who it is in a
 * failure's message. The target is made only once a call has failed: explaining why a provider is
 * not running may cost a look at service discovery.
 */
record BusDestination(String address, int hops, Supplier<BusTarget> target) {

  /** A provider verticle, which calls the upstream itself: one hop. */
  static BusDestination provider(String provider, ProviderAvailability availability) {
    return new BusDestination(Addresses.provider(provider), 1,
        () -> BusTarget.provider(provider, availability.explainUnavailable(provider)));
  }

  /** The model router, which calls a provider verticle over the bus in turn: two hops. */
  static BusDestination modelRouter() {
    return new BusDestination(Addresses.ROUTER_MODEL, 2, BusTarget::modelRouter);
  }
}
