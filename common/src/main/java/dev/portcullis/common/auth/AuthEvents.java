package dev.portcullis.common.auth;

import io.vertx.core.json.JsonObject;

/**
 * The messages auth-service publishes on {@code portcullis.auth.events} when something a gateway
 * may have cached changes. Each is a JsonObject {@code {"type","kind","id",...}}; a virtual key's
 * carries {@code keyHash} (the SHA-256 hex the gateway caches by), an OAuth client's its
 * {@code clientId}; a signing-key rotation ({@code "rotated"}, {@code "signing-key"}) the new kid.
 */
public final class AuthEvents {

  public static final String REVOKED = "revoked";
  public static final String CHANGED = "changed";
  /** A new token-signing key took over ({@code id}: its kid); gateways fetch the key set again. */
  public static final String ROTATED = "rotated";

  public static final String VIRTUAL_KEY = "virtual-key";
  public static final String OAUTH_CLIENT = "oauth-client";
  public static final String PROVIDER_KEY = "provider-key";
  public static final String LLM_PROXY = "llm-proxy";
  public static final String SIGNING_KEY = "signing-key";

  private AuthEvents() {}

  public static JsonObject revokedVirtualKey(String id, String keyHash) {
    return new JsonObject().put("type", REVOKED).put("kind", VIRTUAL_KEY).put("id", id).put("keyHash", keyHash);
  }

  public static JsonObject revokedOAuthClient(String id, String clientId) {
    return new JsonObject().put("type", REVOKED).put("kind", OAUTH_CLIENT).put("id", id).put("clientId", clientId);
  }

  public static JsonObject rotatedSigningKey(String keyId) {
    return event(ROTATED, SIGNING_KEY, keyId);
  }

  /** A change whose effect on cached principals is not traced key by key: gateways drop everything. */
  public static JsonObject event(String type, String kind, String id) {
    return new JsonObject().put("type", type).put("kind", kind).put("id", id);
  }
}
