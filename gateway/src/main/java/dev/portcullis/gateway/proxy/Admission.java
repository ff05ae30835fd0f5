package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.GatewayError;

/**
 * Whether a call may go upstream, and as whom.
 *
 * @param proxyId                 the effective LLM proxy id (the route's, or the default proxy's)
 * @param credential              what Portcullis sends upstream: a stored or default key,
 *                                {@link UpstreamCredential#SERVER_SIDE}, or {@code null} when the
 *                                caller's own key goes upstream (passthrough)
 * @param removesClientCredential whether the caller's credential is removed from the headers and
 *                                query: always when it was Portcullis' own (a virtual key or token)
 * @param refusal                 the error the caller gets instead, or {@code null} when admitted
 */
record Admission(String proxyId, UpstreamCredential credential, boolean removesClientCredential,
    GatewayError refusal) {

  static Admission granted(String proxyId, UpstreamCredential credential, boolean removesClientCredential) {
    return new Admission(proxyId, credential, removesClientCredential, null);
  }

  static Admission refused(String proxyId, GatewayError refusal) {
    return new Admission(proxyId, null, false, refusal);
  }

  boolean admitted() {
    return refusal == null;
  }
}
