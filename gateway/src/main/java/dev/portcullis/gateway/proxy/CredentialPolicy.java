package dev.portcullis.gateway.proxy;

import dev.portcullis.common.usage.UsageRecord.CallerKind;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.gateway.auth.ClientCredential;
import dev.portcullis.gateway.auth.CredentialResolver;
import dev.portcullis.gateway.auth.KeylessAccess;
import dev.portcullis.gateway.auth.MappedCredentials;
import dev.portcullis.gateway.auth.Resolution;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/**
 * Who may call, and with which upstream credential: the caller's credential is resolved
 * ({@link CredentialResolver}), then held to the rules for server identities ({@link KeylessAccess}).
 * A Portcullis credential sends its mapped key and never travels upstream itself; a call without a
 * key may use a server identity only under the keyless rule; a key that is not ours (passthrough)
 * goes upstream as the caller's own, but never borrows a server identity.
 */
final class CredentialPolicy {

  static final String CANNOT_CHECK = "Credentials cannot be checked right now; try again shortly.";

  private final CredentialResolver resolver;
  private final KeylessAccess keyless;

  CredentialPolicy(CredentialResolver resolver, KeylessAccess keyless) {
    this.resolver = resolver;
    this.keyless = keyless;
  }

  /**
   * Resolves the request's credential for a call to {@code provider} and decides. Fails only with
   * a {@link GatewayException}: the resolver's own errors as they are, anything else as a 503.
   */
  Future<Admission> admit(HttpServerRequest request, String provider, String proxyId) {
    String presented;
    try {
      presented = ClientCredential.of(request);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    String clientAddress = resolver.clientAddress(request);
    return resolver.resolve(presented, provider, proxyId, clientAddress)
        .recover(cause -> Future.failedFuture(asCheckFailure(cause)))
        .map(resolution -> decide(provider, resolution, clientAddress).by(callerKind(resolution),
            callerId(resolution, presented)));
  }

  /**
   * For the model router: every provider credential the request's virtual key or access token may
   * use on {@code proxyId}. Fails only with a {@link GatewayException}, as {@link #admit} does.
   */
  Future<MappedCredentials> admitMapped(HttpServerRequest request, String proxyId) {
    String presented;
    try {
      presented = ClientCredential.of(request);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    return resolver.resolveMapped(presented, proxyId, resolver.clientAddress(request))
        .recover(cause -> Future.failedFuture(asCheckFailure(cause)));
  }

  /** What a call resolved to {@code resolution} may do on {@code provider}, from {@code clientAddress}. */
  Admission decide(String provider, Resolution resolution, String clientAddress) {
    String proxyId = resolution.proxyId();
    return switch (resolution.kind()) {
      // The client's credential (a virtual key or token) never goes upstream.
      case RESOLVED -> Admission.granted(proxyId, resolution.keys());
      case ANONYMOUS -> keyless.allowsWithoutKey(provider, clientAddress)
          ? Admission.granted(proxyId, UpstreamCredential.SERVER_SIDE, false)
          : Admission.refused(proxyId, GatewayError.of(ErrorKind.AUTHENTICATION, keyless.missingKeyMessage(provider)));
      case PASSTHROUGH -> {
        // A key that is not ours never borrows a server identity (SECURITY.md, "Server identities").
        String refusal = keyless.refusePassthrough(provider, clientAddress);
        yield refusal == null
            ? Admission.granted(proxyId, null, false)
            : Admission.refused(proxyId, GatewayError.of(ErrorKind.AUTHENTICATION, refusal));
      }
    };
  }

  private static CallerKind callerKind(Resolution resolution) {
    return switch (resolution.kind()) {
      case RESOLVED -> Admission.callerKindOf(resolution.principalKind());
      case PASSTHROUGH -> CallerKind.PASSTHROUGH;
      case ANONYMOUS -> CallerKind.SERVER_IDENTITY;
    };
  }

  private static String callerId(Resolution resolution, String presented) {
    return switch (resolution.kind()) {
      case RESOLVED -> resolution.principalId();
      case PASSTHROUGH -> Admission.passthroughId(presented.trim());
      case ANONYMOUS -> null;
    };
  }

  private static GatewayException asCheckFailure(Throwable cause) {
    return cause instanceof GatewayException known ? known : GatewayError.unavailable(CANNOT_CHECK).toException();
  }
}
