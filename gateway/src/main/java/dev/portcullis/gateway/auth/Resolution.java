package dev.portcullis.gateway.auth;

import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.bus.UpstreamCredential;

/**
 * How the gateway should authenticate one call upstream.
 *
 * @param kind        {@link Kind#RESOLVED}: send {@code credential} (a stored or default key);
 *                    {@link Kind#PASSTHROUGH}: forward the client's own credential untouched;
 *                    {@link Kind#ANONYMOUS}: the client sent no credential at all (whether that is
 *                    allowed is the gateway's decision: keyless providers, loopback, anonymous use)
 * @param credential  the upstream credential when resolved, else {@code null}
 * @param principalId the virtual key's or OAuth client's id when resolved, else {@code null}
 * @param principalKind whether {@code principalId} is a virtual key's or an OAuth client's, else {@code null}
 * @param proxyId     the effective LLM proxy id: the route's, or the default proxy's
 */
public record Resolution(Kind kind, UpstreamCredential credential, String principalId, Principal.Kind principalKind,
    String proxyId) {

  public enum Kind { RESOLVED, PASSTHROUGH, ANONYMOUS }

  public static Resolution passthrough(String proxyId) {
    return new Resolution(Kind.PASSTHROUGH, null, null, null, proxyId);
  }

  public static Resolution anonymous(String proxyId) {
    return new Resolution(Kind.ANONYMOUS, null, null, null, proxyId);
  }

  public static Resolution resolved(UpstreamCredential credential, Principal principal, String proxyId) {
    return new Resolution(Kind.RESOLVED, credential, principal.id(), principal.kind(), proxyId);
  }

  public boolean isResolved() {
    return kind == Kind.RESOLVED;
  }
}
