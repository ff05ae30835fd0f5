package dev.portcullis.auth;

import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.auth.VirtualKeyFormat;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;

/**
 * Answers {@code portcullis.auth.verify}: a virtual key to its {@link dev.portcullis.common.auth.Principal},
 * or a {@link GatewayError}.
 *
 * <p>A key without a valid checksum is refused before the store is asked (gateways already drop
 * those; this covers any other caller on the bus). Failed lookups are limited per client (the
 * gateway sends an address, or an IPv6 /64, as {@code clientAddress}): after
 * {@value #MAX_FAILURES} failures in {@value #WINDOW_MILLIS} ms, unknown keys get 429 instead of
 * 401, but a valid key is always answered, so a blocked address never locks out a real user
 * behind it.
 */
final class VirtualKeyVerifier {

  static final int MAX_FAILURES = 10;
  static final long WINDOW_MILLIS = 60_000;

  private final AuthStore store;
  private final PrincipalAssembler assembler;
  private final LookupLimiter limiter;
  private final byte[] checksumKey;

  VirtualKeyVerifier(AuthStore store, PrincipalAssembler assembler, LookupLimiter limiter, byte[] checksumKey) {
    this.store = store;
    this.assembler = assembler;
    this.limiter = limiter;
    this.checksumKey = checksumKey.clone();
  }

  /** A Principal or a GatewayError: both are answers, not failures. */
  Future<Object> verify(VerifyRequest request) {
    long now = System.currentTimeMillis();
    String credential = request.credential();
    if (!VirtualKeyFormat.checksumValid(credential, checksumKey)) {
      return refused(request, "Invalid virtual key", now);
    }
    return store.findVirtualKeyByHash(CredentialHash.sha256Hex(credential)).compose(found -> {
      if (found.isEmpty()) {
        return refused(request, "Invalid virtual key", now);
      }
      if (found.get().expiresAt() != null && found.get().expiresAt() <= now) {
        return refused(request, "Virtual key expired", now);
      }
      return assembler.forVirtualKey(found.get()).map(principal -> (Object) principal);
    });
  }

  /** 401, or 429 once this client used up its failures; a failure is counted only while not blocked. */
  private Future<Object> refused(VerifyRequest request, String message, long now) {
    return limiter.blocked(request.clientAddress(), now).map(blocked -> {
      if (blocked) {
        return GatewayError.of(ErrorKind.RATE_LIMITED,
            "Too many invalid virtual keys from this address; wait a minute before trying again");
      }
      limiter.recordFailure(request.clientAddress(), now);
      return GatewayError.of(ErrorKind.AUTHENTICATION, message);
    });
  }
}
