package dev.portcullis.gateway.proxy;

/**
 * Explains why no instance of a provider answered a call, for the 503 the client gets (in a
 * cluster: what service discovery knows of that provider). Read only after a call has failed, so
 * it costs nothing on the way to a provider.
 */
@FunctionalInterface
public interface ProviderAvailability {

  /** A short explanation, or {@code null} when there is nothing to add. */
  String explainUnavailable(String provider);
}
