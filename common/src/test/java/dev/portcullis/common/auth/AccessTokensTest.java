package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

  private final AccessTokens tokens = AccessTokens.fromSecret("the-test-auth-secret-0123456789");
  private final long now = 1_800_000_000L;

  @Test
  void anIssuedTokenVerifiesWithItsClaims() {
    String token = tokens.issue("client-1", List.of("proxy-a"), AccessTokens.SCOPE, now, 3600);
    assertThat(AccessTokens.looksLikeOurs(token)).isTrue();
    AccessTokens.Claims claims = AccessTokens.fromSecret("the-test-auth-secret-0123456789").verify(token, now + 10);
    assertThat(claims.clientId()).isEqualTo("client-1");
    assertThat(claims.proxyIds()).containsExactly("proxy-a");
    assertThat(claims.expiresAtSeconds()).isEqualTo(now + 3600);
  }

  @Test
  void expiredTamperedAndForeignTokensAreRejected() {
    String token = tokens.issue("client-1", List.of("proxy-a"), AccessTokens.SCOPE, now, 3600);
    assertRejected(() -> tokens.verify(token, now + 3600), "expired");

    String[] parts = token.split("\\.");
    String otherClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("proxy-a", "proxy-b")
            .getBytes(StandardCharsets.UTF_8));
    assertRejected(() -> tokens.verify(parts[0] + "." + otherClaims + "." + parts[2], now), "signature");

    AccessTokens otherSecret = AccessTokens.fromSecret("another-secret-entirely-9876543210");
    String foreign = otherSecret.issue("client-1", List.of(), AccessTokens.SCOPE, now, 3600);
    assertRejected(() -> tokens.verify(foreign, now), "unknown key");
  }

  @Test
  void otherJwtsAndKeysAreNotMistakenForOurs() {
    String entraLike = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJ4In0.c2ln";
    assertThat(AccessTokens.looksLikeOurs(entraLike)).isFalse();
    assertThat(AccessTokens.looksLikeOurs("sk-proj-abc.def")).isFalse();
    assertThat(AccessTokens.looksLikeOurs(null)).isFalse();
  }

  private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
    assertThatThrownBy(call).isInstanceOf(GatewayException.class).hasMessageContaining(reason)
        .satisfies(e -> assertThat(((GatewayException) e).error().kind()).isEqualTo(ErrorKind.AUTHENTICATION));
  }
}
