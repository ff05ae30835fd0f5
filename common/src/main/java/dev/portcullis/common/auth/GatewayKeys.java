package dev.portcullis.common.auth;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.vertx.core.json.JsonObject;
import java.text.ParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a gateway needs to check credentials without the auth secret, answered by auth-service on
 * {@code portcullis.auth.keys}: the public keys access tokens are signed with (a JWK set, by key
 * id; the current key and recently rotated ones whose tokens may not have expired yet), and the
 * key of the virtual-key checksum (an HMAC key derived from the auth secret that can check, but
 * never decrypt or sign, anything else).
 *
 * <p>On the bus: {@code {"keys": <JWK set JSON>, "virtualKeyChecksumKey": <base64url>}}.
 */
public final class GatewayKeys {

  private final Map<String, ECKey> publicKeys;
  private final byte[] virtualKeyChecksumKey;

  public GatewayKeys(List<ECKey> publicKeys, byte[] virtualKeyChecksumKey) {
    Map<String, ECKey> byId = new LinkedHashMap<>();
    for (ECKey key : publicKeys) {
      if (key.isPrivate()) {
        throw new IllegalArgumentException("gateway keys must never hold a private key");
      }
      byId.put(key.getKeyID(), key);
    }
    this.publicKeys = Map.copyOf(byId);
    this.virtualKeyChecksumKey = virtualKeyChecksumKey.clone();
  }

  /** The public key with this id, or {@code null}. */
  public ECKey publicKey(String keyId) {
    return keyId == null ? null : publicKeys.get(keyId);
  }

  public boolean hasKey(String keyId) {
    return keyId != null && publicKeys.containsKey(keyId);
  }

  public byte[] virtualKeyChecksumKey() {
    return virtualKeyChecksumKey.clone();
  }

  /** Whether a {@code pc-vk-} key carries a checksum made with our checksum key. */
  public boolean virtualKeyChecksumValid(String virtualKey) {
    return VirtualKeyFormat.checksumValid(virtualKey, virtualKeyChecksumKey);
  }

  public JsonObject toJson() {
    return new JsonObject()
        .put("keys", new JsonObject(new JWKSet(publicKeys.values().stream().map(k -> (JWK) k).toList()).toString(true)))
        .put("virtualKeyChecksumKey", Base64.getUrlEncoder().withoutPadding().encodeToString(virtualKeyChecksumKey));
  }

  /** Parses the bus form; fails with IllegalArgumentException on anything else. */
  public static GatewayKeys fromJson(JsonObject json) {
    try {
      JWKSet set = JWKSet.parse(json.getJsonObject("keys").encode());
      List<ECKey> keys = set.getKeys().stream().filter(k -> k instanceof ECKey).map(k -> ((ECKey) k).toPublicJWK())
          .toList();
      byte[] checksumKey = Base64.getUrlDecoder().decode(json.getString("virtualKeyChecksumKey"));
      return new GatewayKeys(keys, checksumKey);
    } catch (ParseException | RuntimeException e) {
      throw new IllegalArgumentException("not a gateway key set");
    }
  }

  @Override
  public String toString() {
    return "GatewayKeys[kids=" + publicKeys.keySet() + ", checksumKey=<redacted>]";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof GatewayKeys that && publicKeys.equals(that.publicKeys)
        && Arrays.equals(virtualKeyChecksumKey, that.virtualKeyChecksumKey);
  }

  @Override
  public int hashCode() {
    return publicKeys.hashCode() * 31 + Arrays.hashCode(virtualKeyChecksumKey);
  }
}
