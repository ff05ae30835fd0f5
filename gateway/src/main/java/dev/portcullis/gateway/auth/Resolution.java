package dev.portcullis.gateway.auth;

import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.bus.UpstreamCredential;
import java.util.List;

/**
 * How the gateway should authenticate one call upstream.
 *
 * @param kind        {@link Kind#RESOLVED}: send {@code credential} (a stored or default key);
 *                    {@link Kind#PASSTHROUGH}: forward the client's own credential untouched;
 *                    {@link Kind#ANONYMOUS}: the client sent no credential at all (whether that is
 *                    allowed is the gateway's decision: keyless providers, loopback, anonymous use)
 * @param keys        the upstream credentials when resolved: the provider keys mapped for the
 *                    provider (one or more, with their weights), else empty
 * @param principalId the virtual key's or OAuth client's id when resolved, else {@code null}
 * @param principalKind whether {@code principalId} is a virtual key's or an OAuth client's, else {@code null}
 * @param proxyId     the effective LLM proxy id: the route's, or the default proxy's
 */
public record Resolution(Kind kind, List<UpstreamCredential> keys, String principalId, Principal.Kind principalKind,
    String proxyId) {

  public enum Kind { RESOLVED, PASSTHROUGH, ANONYMOUS }

  public static Resolution passthrough(String proxyId) {
    return new Resolution(Kind.PASSTHROUGH, List.of(), null, null, proxyId);
  }

  public static Resolution anonymous(String proxyId) {
    return new Resolution(Kind.ANONYMOUS, List.of(), null, null, proxyId);
  }

  public static Resolution resolved(List<UpstreamCredential> keys, Principal principal, String proxyId) {
    return new Resolution(Kind.RESOLVED, List.copyOf(keys), principal.id(), principal.kind(), proxyId);
  }

  /** The first of the keys (the one to use when a single key is wanted), or {@code null}. */
  public UpstreamCredential credential() {
    return keys.isEmpty() ? null : keys.get(0);
  }

  public boolean isResolved() {
    return kind == Kind.RESOLVED;
  }
}
