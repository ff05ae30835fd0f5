package dev.portcullis.gateway.proxy;

import java.util.List;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
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
 * @param callerKind              who called, for the usage record
 * @param callerId                the virtual key's or OAuth client's id, or for a passthrough key a
 *                                hash of it ({@link #passthroughId}); never a key
 * @param keys                    every stored key the call may be sent with (one or more, weighted;
 *                                {@code credential} is the first), or empty when Portcullis has
 *                                no choice of key
 */
record Admission(String proxyId, UpstreamCredential credential, boolean removesClientCredential,
    GatewayError refusal, CallerKind callerKind, String callerId, List<UpstreamCredential> keys) {

  static Admission granted(String proxyId, UpstreamCredential credential, boolean removesClientCredential) {
    return new Admission(proxyId, credential, removesClientCredential, null, CallerKind.NONE, null, List.of());
  }

  /** Admitted with a choice among {@code keys} (not empty); the first is the one named until another is picked. */
  static Admission granted(String proxyId, List<UpstreamCredential> keys) {
    return new Admission(proxyId, keys.get(0), true, null, CallerKind.NONE, null, keys);
  }

  static Admission refused(String proxyId, GatewayError refusal) {
    return new Admission(proxyId, null, false, refusal, CallerKind.NONE, null, List.of());
  }

  Admission by(CallerKind kind, String id) {
    return new Admission(proxyId, credential, removesClientCredential, refusal, kind, id, keys);
  }

  static CallerKind callerKindOf(Principal.Kind kind) {
    return kind == Principal.Kind.OAUTH_CLIENT ? CallerKind.OAUTH_CLIENT : CallerKind.VIRTUAL_KEY;
  }

  /**
   * How a passthrough key is named in usage records: the first 16 hex digits (64 bits) of its
   * SHA-256, enough to tell keys apart, never enough to give the key back.
   */
  static String passthroughId(String presentedKey) {
    return "sha256:" + CredentialHash.sha256Hex(presentedKey).substring(0, 16);
  }

  boolean admitted() {
    return refusal == null;
  }
}
