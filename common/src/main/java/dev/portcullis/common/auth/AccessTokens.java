package dev.portcullis.common.auth;

import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Our OAuth access tokens: compact JWTs signed with HS256 under a key derived from the auth
 * secret. auth-service issues them; every gateway verifies them locally from the same secret.
 *
 * <p>The header's {@code kid} is {@code pc-} plus a fingerprint of the signing key: it tells our
 * tokens apart from other JWTs a client may send as its own provider key (an Entra ID token, say),
 * and a token signed under a rotated-away secret is rejected by its kid before anything else.
 */
public final class AccessTokens {

  public static final String ISSUER = "portcullis";
  public static final String AUDIENCE = "portcullis";
  public static final String SCOPE = "llm:proxy";
  public static final String PROXIES_CLAIM = "llm_proxy_ids";
  static final String KID_PREFIX = "pc-";
  private static final String SIGNING_KEY_INFO = "portcullis access-token signing key v1";
  private static final String HMAC = "HmacSHA256";
  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private final byte[] signingKey;
  private final String keyId;

  private AccessTokens(byte[] signingKey) {
    this.signingKey = signingKey;
    byte[] fingerprint = sha256(signingKey);
    this.keyId = KID_PREFIX + HexFormat.of().formatHex(fingerprint, 0, 8);
  }

  /** Derives the signing key from the auth secret (HKDF; cheap, but call it once and keep the result). */
  public static AccessTokens fromSecret(String authSecret) {
    return new AccessTokens(Hkdf.deriveKey(authSecret, SIGNING_KEY_INFO));
  }

  public String keyId() {
    return keyId;
  }

  /** What a verified token says. */
  public record Claims(String clientId, List<String> proxyIds, String scope, long expiresAtSeconds, String tokenId) {
    public Claims {
      proxyIds = List.copyOf(proxyIds);
    }
  }

  public String issue(String clientId, List<String> proxyIds, String scope, long nowSeconds, long ttlSeconds) {
    JsonObject header = new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", keyId);
    JsonObject claims = new JsonObject()
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("sub", clientId)
        .put("iat", nowSeconds)
        .put("exp", nowSeconds + ttlSeconds)
        .put("jti", UUID.randomUUID().toString())
        .put("scope", scope)
        .put(PROXIES_CLAIM, new JsonArray(new ArrayList<>(proxyIds)));
    String signingInput = encode(header) + "." + encode(claims);
    return signingInput + "." + ENCODER.encodeToString(sign(signingInput));
  }

  /**
   * Whether this credential claims to be one of our tokens (three JWT parts, a header whose kid
   * starts with {@code pc-}). Anything else is some other credential, possibly the caller's own key.
   */
  public static boolean looksLikeOurs(String credential) {
    if (credential == null) {
      return false;
    }
    String[] parts = credential.split("\\.", -1);
    if (parts.length != 3) {
      return false;
    }
    JsonObject header = decodeJson(parts[0]);
    return header != null && header.getValue("kid") instanceof String kid && kid.startsWith(KID_PREFIX);
  }

  /** The token's claims, or a 401 {@link GatewayException} that says what is wrong (never echoing the token). */
  public Claims verify(String token, long nowSeconds) {
    String[] parts = token.split("\\.", -1);
    if (parts.length != 3) {
      throw invalid("Malformed access token");
    }
    JsonObject header = decodeJson(parts[0]);
    if (header == null || !"HS256".equals(header.getValue("alg"))) {
      throw invalid("Access token has an unsupported signing algorithm");
    }
    if (!keyId.equals(header.getValue("kid"))) {
      throw invalid("Access token was signed with an unknown key; request a new token");
    }
    byte[] signature;
    try {
      signature = DECODER.decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw invalid("Malformed access token");
    }
    if (!MessageDigest.isEqual(signature, sign(parts[0] + "." + parts[1]))) {
      throw invalid("Access token signature is invalid");
    }
    JsonObject claims = decodeJson(parts[1]);
    if (claims == null) {
      throw invalid("Malformed access token");
    }
    if (!ISSUER.equals(claims.getValue("iss")) || !hasAudience(claims.getValue("aud"))) {
      throw invalid("Access token was not issued for Portcullis");
    }
    if (!(claims.getValue("exp") instanceof Number exp) || exp.longValue() <= nowSeconds) {
      throw invalid("Access token expired; request a new token");
    }
    String scope = claims.getValue("scope") instanceof String s ? s : "";
    if (!Arrays.asList(scope.split(" ")).contains(SCOPE)) {
      throw invalid("Access token lacks the " + SCOPE + " scope");
    }
    if (!(claims.getValue("sub") instanceof String clientId) || clientId.isEmpty()) {
      throw invalid("Access token names no client");
    }
    List<String> proxies = new ArrayList<>();
    if (claims.getValue(PROXIES_CLAIM) instanceof JsonArray array) {
      array.forEach(id -> proxies.add(String.valueOf(id)));
    }
    return new Claims(clientId, proxies, scope, exp.longValue(), claims.getString("jti"));
  }

  private static boolean hasAudience(Object aud) {
    if (aud instanceof String single) {
      return AUDIENCE.equals(single);
    }
    return aud instanceof JsonArray list && list.contains(AUDIENCE);
  }

  private byte[] sign(String signingInput) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(new SecretKeySpec(signingKey, HMAC));
      return mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
    }
  }

  private static String encode(JsonObject json) {
    return ENCODER.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  private static JsonObject decodeJson(String part) {
    try {
      return new JsonObject(new String(DECODER.decode(part), StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
      return null;
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
  }

  private static GatewayException invalid(String message) {
    return new GatewayError(ErrorKind.AUTHENTICATION, message, null).toException();
  }
}
