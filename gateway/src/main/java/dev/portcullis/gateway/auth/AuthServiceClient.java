package dev.portcullis.gateway.auth;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.GatewayKeys;
import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.TokenResponse;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * The gateway's side of the auth-service bus contract. auth-service answers each request with the
 * result or a {@link GatewayError}; the error becomes a failed future carrying it, and an
 * unreachable auth-service becomes a 503.
 */
final class AuthServiceClient {

  private static final DeliveryOptions OPTIONS = new DeliveryOptions().setSendTimeout(5_000);

  private final Vertx vertx;

  AuthServiceClient(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<Principal> verifyVirtualKey(String credential, String clientAddress) {
    return request(Addresses.AUTH_VERIFY, new VerifyRequest(credential, clientAddress), Principal.class);
  }

  Future<Principal> oauthClient(String clientId) {
    return request(Addresses.AUTH_OAUTH_CLIENT, clientId, Principal.class);
  }

  Future<LlmProxyDirectory> proxies() {
    return request(Addresses.AUTH_PROXIES, "list", LlmProxyDirectory.class);
  }

  /** The token public keys and the virtual-key checksum key; never anything that signs or decrypts. */
  Future<GatewayKeys> gatewayKeys() {
    return request(Addresses.AUTH_KEYS, "keys", JsonObject.class).compose(json -> {
      try {
        return Future.succeededFuture(GatewayKeys.fromJson(json));
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(GatewayError.internal("Unexpected answer from the authentication service")
            .toException());
      }
    });
  }

  Future<TokenResponse> token(TokenRequest request) {
    return request(Addresses.AUTH_TOKEN, request, TokenResponse.class);
  }

  private <T> Future<T> request(String address, Object body, Class<T> answerType) {
    return vertx.eventBus().request(address, body, OPTIONS)
        .recover(failure -> Future.failedFuture(
            GatewayError.unavailable("The authentication service is unavailable; try again shortly").toException()))
        .compose(reply -> {
          Object answer = reply.body();
          if (answerType.isInstance(answer)) {
            return Future.succeededFuture(answerType.cast(answer));
          }
          if (answer instanceof GatewayError error) {
            return Future.failedFuture(new GatewayException(error));
          }
          return Future.failedFuture(GatewayError.internal("Unexpected answer from the authentication service")
              .toException());
        });
  }
}
