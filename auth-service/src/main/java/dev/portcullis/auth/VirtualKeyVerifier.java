package dev.portcullis.auth;

import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;

/**
 * Answers {@code portcullis.auth.verify}: a virtual key to its {@link dev.portcullis.common.auth.Principal},
 * or a {@link GatewayError}. Failed lookups are limited per client address.
 */
final class VirtualKeyVerifier {

  static final String PREFIX = "pc-vk-";
  static final int MAX_FAILURES = 10;
  static final long WINDOW_MILLIS = 60_000;

  private final AuthStore store;
  private final PrincipalAssembler assembler;
  private final LookupLimiter limiter;

  VirtualKeyVerifier(AuthStore store, PrincipalAssembler assembler, LookupLimiter limiter) {
    this.store = store;
    this.assembler = assembler;
    this.limiter = limiter;
  }

  /** A Principal or a GatewayError: both are answers, not failures. */
  Future<Object> verify(VerifyRequest request) {
    long now = System.currentTimeMillis();
    return limiter.blocked(request.clientAddress(), now).compose(blocked -> blocked
        ? Future.succeededFuture(GatewayError.of(ErrorKind.RATE_LIMITED,
            "Too many invalid virtual keys from this address; wait a minute before trying again"))
        : lookUp(request, now));
  }

  private Future<Object> lookUp(VerifyRequest request, long now) {
    String credential = request.credential();
    if (credential == null || !credential.startsWith(PREFIX)) {
      return Future.succeededFuture(failed(request, "Invalid virtual key", now));
    }
    return store.findVirtualKeyByHash(CredentialHash.sha256Hex(credential)).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(failed(request, "Invalid virtual key", now));
      }
      if (found.get().expiresAt() != null && found.get().expiresAt() <= now) {
        return Future.succeededFuture(failed(request, "Virtual key expired", now));
      }
      return assembler.forVirtualKey(found.get()).map(principal -> (Object) principal);
    });
  }

  private GatewayError failed(VerifyRequest request, String message, long now) {
    limiter.recordFailure(request.clientAddress(), now);
    return GatewayError.of(ErrorKind.AUTHENTICATION, message);
  }
}
