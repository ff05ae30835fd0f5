package dev.portcullis.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.text.ParseException;

/**
 * One access-token signing key: an ECDSA P-256 key pair (ES256) and its key id. Only auth-service
 * holds the private half (generated here, kept encrypted in its store); gateways get the public
 * half as a JWK through {@link GatewayKeys}.
 *
 * <p>The key id is {@code pc-} plus the key's RFC 7638 thumbprint: the prefix tells our tokens
 * apart from other JWTs a caller may send as its own provider key.
 */
public final class TokenSigningKey {

  private final ECKey key;

  private TokenSigningKey(ECKey key) {
    if (!key.isPrivate() || !Curve.P_256.equals(key.getCurve()) || key.getKeyID() == null
        || !key.getKeyID().startsWith(AccessTokens.KID_PREFIX)) {
      throw new IllegalArgumentException("not a P-256 private signing key with a pc- key id");
    }
    this.key = key;
  }

  /** A fresh key pair from the platform's secure random source. */
  public static TokenSigningKey generate() {
    try {
      ECKey generated = new ECKeyGenerator(Curve.P_256).generate();
      String kid = AccessTokens.KID_PREFIX + generated.computeThumbprint().toString();
      return new TokenSigningKey(new ECKey.Builder(generated).keyID(kid).keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256).build());
    } catch (JOSEException e) {
      throw new IllegalStateException("EC P-256 key generation is required by every Java platform", e);
    }
  }

  /** The key as stored (a private JWK, to be encrypted before it is written anywhere). */
  public static TokenSigningKey fromPrivateJwk(String json) {
    try {
      return new TokenSigningKey(ECKey.parse(json));
    } catch (ParseException e) {
      // No cause: a parser's message could quote key material.
      throw new IllegalArgumentException("stored signing key is not a valid JWK");
    }
  }

  public String keyId() {
    return key.getKeyID();
  }

  /** The private JWK as JSON: secret, encrypt it before storing. */
  public String privateJwk() {
    return key.toJSONString();
  }

  /** The public half, safe to hand to anyone. */
  public ECKey publicJwk() {
    return key.toPublicJWK();
  }

  ECKey privateKey() {
    return key;
  }

  @Override
  public String toString() {
    return "TokenSigningKey[" + keyId() + ", private half redacted]";
  }
}
