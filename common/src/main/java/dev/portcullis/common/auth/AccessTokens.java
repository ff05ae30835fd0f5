package dev.portcullis.common.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Our OAuth access tokens: compact JWTs signed with ES256 (ECDSA P-256, via Nimbus JOSE+JWT).
 * auth-service signs them with a {@link TokenSigningKey} only it holds; gateways verify them with
 * the public keys of {@link GatewayKeys} and never see anything that could sign one.
 *
 * <p>The header's {@code kid} is {@code pc-} plus the signing key's thumbprint: the prefix tells
 * our tokens apart from other JWTs a client may send as its own provider key (an Entra ID token,
 * say), and the kid picks the public key, so rotated keys verify until their tokens expire.
 *
 * <p>Verification accepts exactly {@code alg: ES256} with a known kid: {@code none}, HS256 (the
 * public key used as an HMAC secret), any other algorithm, an unknown kid, a bad signature, a
 * wrong issuer or audience, a missing scope and an expired token are all 401.
 */
public final class AccessTokens {

  public static final String ISSUER = "portcullis";
  public static final String AUDIENCE = "portcullis";
  public static final String SCOPE = "llm:proxy";
  public static final String PROXIES_CLAIM = "llm_proxy_ids";
  public static final String KID_PREFIX = "pc-";
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private AccessTokens() {}

  /** What a verified token says. */
  public record Claims(String clientId, List<String> proxyIds, String scope, long expiresAtSeconds, String tokenId) {
    public Claims {
      proxyIds = List.copyOf(proxyIds);
    }
  }

  /** A signed token for the client, valid {@code ttlSeconds} from {@code nowSeconds}. */
  public static String issue(TokenSigningKey key, String clientId, List<String> proxyIds, String scope,
      long nowSeconds, long ttlSeconds) {
    JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.keyId()).build();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(ISSUER)
        .audience(AUDIENCE)
        .subject(clientId)
        .issueTime(new Date(nowSeconds * 1000))
        .expirationTime(new Date((nowSeconds + ttlSeconds) * 1000))
        .jwtID(UUID.randomUUID().toString())
        .claim("scope", scope)
        .claim(PROXIES_CLAIM, new ArrayList<>(proxyIds))
        .build();
    SignedJWT jwt = new SignedJWT(header, claims);
    try {
      jwt.sign(new ECDSASigner(key.privateKey()));
    } catch (JOSEException e) {
      throw new IllegalStateException("ES256 signing failed", e);
    }
    return jwt.serialize();
  }

  /**
   * Whether this credential claims to be one of our tokens (three JWT parts, a header whose kid
   * starts with {@code pc-}). Anything else is some other credential, possibly the caller's own key.
   */
  public static boolean looksLikeOurs(String credential) {
    String kid = keyIdOf(credential);
    return kid != null && kid.startsWith(KID_PREFIX);
  }

  /** The {@code kid} of a compact JWT's header, or {@code null} when it has none or is no JWT. Unverified. */
  public static String keyIdOf(String credential) {
    if (credential == null || credential.length() > 16 * 1024) {
      return null;
    }
    String[] parts = credential.split("\\.", -1);
    if (parts.length != 3) {
      return null;
    }
    try {
      JsonObject header = new JsonObject(new String(DECODER.decode(parts[0]), StandardCharsets.UTF_8));
      return header.getValue("kid") instanceof String kid ? kid : null;
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }

  /** The token's claims, or a 401 {@link GatewayException} that says what is wrong (never echoing the token). */
  public static Claims verify(String token, GatewayKeys keys, long nowSeconds) {
    SignedJWT jwt;
    try {
      jwt = SignedJWT.parse(token);
    } catch (ParseException | RuntimeException e) {
      throw invalid("Malformed access token");
    }
    if (!JWSAlgorithm.ES256.equals(jwt.getHeader().getAlgorithm())) {
      throw invalid("Access token has an unsupported signing algorithm");
    }
    ECKey publicKey = keys.publicKey(jwt.getHeader().getKeyID());
    if (publicKey == null) {
      throw invalid("Access token was signed with an unknown key; request a new token");
    }
    try {
      if (!jwt.verify(new ECDSAVerifier(publicKey))) {
        throw invalid("Access token signature is invalid");
      }
    } catch (JOSEException | IllegalStateException e) {
      throw invalid("Access token signature is invalid");
    }
    JWTClaimsSet claims;
    try {
      claims = jwt.getJWTClaimsSet();
    } catch (ParseException e) {
      throw invalid("Malformed access token");
    }
    if (!ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null || !claims.getAudience().contains(AUDIENCE)) {
      throw invalid("Access token was not issued for Portcullis");
    }
    Date expiry = claims.getExpirationTime();
    if (expiry == null || expiry.getTime() / 1000 <= nowSeconds) {
      throw invalid("Access token expired; request a new token");
    }
    String scope = claims.getClaim("scope") instanceof String s ? s : "";
    if (!Arrays.asList(scope.split(" ")).contains(SCOPE)) {
      throw invalid("Access token lacks the " + SCOPE + " scope");
    }
    String clientId = claims.getSubject();
    if (clientId == null || clientId.isEmpty()) {
      throw invalid("Access token names no client");
    }
    List<String> proxies = new ArrayList<>();
    if (claims.getClaim(PROXIES_CLAIM) instanceof List<?> list) {
      list.forEach(id -> proxies.add(String.valueOf(id)));
    }
    return new Claims(clientId, proxies, scope, expiry.getTime() / 1000, claims.getJWTID());
  }

  private static GatewayException invalid(String message) {
    return new GatewayError(ErrorKind.AUTHENTICATION, message, null).toException();
  }
}
