package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessTokensTest {

  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private final TokenSigningKey signingKey = TokenSigningKey.generate();
  private final GatewayKeys keys = new GatewayKeys(List.of(signingKey.publicJwk()), new byte[32]);
  private final long now = 1_800_000_000L;

  @Test
  void anIssuedTokenVerifiesWithItsClaimsFromThePublicKeyAlone() {
    String token = AccessTokens.issue(signingKey, "client-1", List.of("proxy-a"), AccessTokens.SCOPE, now, 3600);
    assertThat(AccessTokens.looksLikeOurs(token)).isTrue();
    assertThat(AccessTokens.keyIdOf(token)).isEqualTo(signingKey.keyId()).startsWith("pc-");
    JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[0]), StandardCharsets.UTF_8));
    assertThat(header.getString("alg")).isEqualTo("ES256");

    // The verifier is rebuilt from the bus form: nothing but public keys crosses to a gateway.
    GatewayKeys received = GatewayKeys.fromJson(keys.toJson());
    assertThat(keys.toJson().encode()).doesNotContain("\"d\"");
    AccessTokens.Claims claims = AccessTokens.verify(token, received, now + 10);
    assertThat(claims.clientId()).isEqualTo("client-1");
    assertThat(claims.proxyIds()).containsExactly("proxy-a");
    assertThat(claims.expiresAtSeconds()).isEqualTo(now + 3600);
  }

  @Test
  void aRotatedKeyStillVerifiesItsTokensWhileItIsPublished() {
    TokenSigningKey next = TokenSigningKey.generate();
    String old = AccessTokens.issue(signingKey, "client-1", List.of(), AccessTokens.SCOPE, now, 3600);
    String fresh = AccessTokens.issue(next, "client-1", List.of(), AccessTokens.SCOPE, now, 3600);
    GatewayKeys both = new GatewayKeys(List.of(next.publicJwk(), signingKey.publicJwk()), new byte[32]);
    assertThat(AccessTokens.verify(old, both, now).clientId()).isEqualTo("client-1");
    assertThat(AccessTokens.verify(fresh, both, now).clientId()).isEqualTo("client-1");
    assertRejected(() -> AccessTokens.verify(fresh, keys, now), "unknown key");
  }

  @Test
  void expiredTamperedAndForeignTokensAreRejected() {
    String token = AccessTokens.issue(signingKey, "client-1", List.of("proxy-a"), AccessTokens.SCOPE, now, 3600);
    assertRejected(() -> AccessTokens.verify(token, keys, now + 3600), "expired");

    String[] parts = token.split("\\.");
    String otherClaims = B64.encodeToString(
        new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("proxy-a", "proxy-b")
            .getBytes(StandardCharsets.UTF_8));
    assertRejected(() -> AccessTokens.verify(parts[0] + "." + otherClaims + "." + parts[2], keys, now), "signature");

    TokenSigningKey attackers = TokenSigningKey.generate();
    String foreign = AccessTokens.issue(attackers, "client-1", List.of(), AccessTokens.SCOPE, now, 3600);
    assertRejected(() -> AccessTokens.verify(foreign, keys, now), "unknown key");
  }

  @Test
  void anUnsignedTokenIsRejected() {
    String header = B64.encodeToString(new JsonObject().put("alg", "none").put("kid", signingKey.keyId()).encode()
        .getBytes(StandardCharsets.UTF_8));
    String unsigned = header + "." + claims("client-1", AccessTokens.AUDIENCE) + ".";
    assertThat(AccessTokens.looksLikeOurs(unsigned)).isTrue();
    assertRejected(() -> AccessTokens.verify(unsigned, keys, now), "");
  }

  @Test
  void hs256WithThePublicKeyAsTheHmacSecretIsRejected() throws Exception {
    JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE)
        .subject("client-1").expirationTime(new Date((now + 3600) * 1000)).claim("scope", AccessTokens.SCOPE).build();
    // Every form of the public key an attacker could pick as the "shared secret".
    List<byte[]> publicForms = List.of(signingKey.publicJwk().toECPublicKey().getEncoded(),
        signingKey.publicJwk().toJSONString().getBytes(StandardCharsets.UTF_8),
        keys.toJson().encode().getBytes(StandardCharsets.UTF_8));
    for (byte[] secret : publicForms) {
      SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(signingKey.keyId()).build(), claims);
      forged.sign(new MACSigner(secret));
      assertRejected(() -> AccessTokens.verify(forged.serialize(), keys, now), "unsupported signing algorithm");
    }
  }

  @Test
  void aTokenForAnotherAudienceOrWithoutOurScopeIsRejected() throws Exception {
    JWTClaimsSet otherAudience = new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience("someone-else")
        .subject("client-1").expirationTime(new Date((now + 3600) * 1000)).claim("scope", AccessTokens.SCOPE).build();
    assertRejected(() -> AccessTokens.verify(signed(otherAudience), keys, now), "not issued for Portcullis");
    JWTClaimsSet noScope = new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE)
        .subject("client-1").expirationTime(new Date((now + 3600) * 1000)).build();
    assertRejected(() -> AccessTokens.verify(signed(noScope), keys, now), "scope");
    JWTClaimsSet noExpiry = new JWTClaimsSet.Builder().issuer(AccessTokens.ISSUER).audience(AccessTokens.AUDIENCE)
        .subject("client-1").claim("scope", AccessTokens.SCOPE).build();
    assertRejected(() -> AccessTokens.verify(signed(noExpiry), keys, now), "expired");
  }

  @Test
  void otherJwtsAndKeysAreNotMistakenForOurs() {
    String entraLike = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCIsImtpZCI6ImFiYyJ9.eyJzdWIiOiJ4In0.c2ln";
    assertThat(AccessTokens.looksLikeOurs(entraLike)).isFalse();
    assertThat(AccessTokens.looksLikeOurs("sk-proj-abc.def")).isFalse();
    assertThat(AccessTokens.looksLikeOurs(null)).isFalse();
  }

  @Test
  void signingKeysSurviveTheirStoredFormAndNeverPrintTheirPrivateHalf() {
    TokenSigningKey restored = TokenSigningKey.fromPrivateJwk(signingKey.privateJwk());
    assertThat(restored.keyId()).isEqualTo(signingKey.keyId());
    String token = AccessTokens.issue(restored, "client-1", List.of(), AccessTokens.SCOPE, now, 60);
    assertThat(AccessTokens.verify(token, keys, now).clientId()).isEqualTo("client-1");
    assertThat(signingKey.toString()).doesNotContain(new JsonObject(signingKey.privateJwk()).getString("d"));
    assertThatThrownBy(() -> new GatewayKeys(List.of(signingKey.privateKey()), new byte[32]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private String signed(JWTClaimsSet claims) throws Exception {
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(signingKey.keyId()).build(), claims);
    jwt.sign(new com.nimbusds.jose.crypto.ECDSASigner(signingKey.privateKey()));
    return jwt.serialize();
  }

  private String claims(String subject, String audience) {
    return B64.encodeToString(new JsonObject().put("iss", AccessTokens.ISSUER).put("aud", audience).put("sub", subject)
        .put("exp", now + 3600).put("scope", AccessTokens.SCOPE).encode().getBytes(StandardCharsets.UTF_8));
  }

  private static void assertRejected(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String reason) {
    assertThatThrownBy(call).isInstanceOf(GatewayException.class).hasMessageContaining(reason)
        .satisfies(e -> assertThat(((GatewayException) e).error().kind()).isEqualTo(ErrorKind.AUTHENTICATION));
  }
}
