package dev.portcullis.auth;

import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.auth.store.OAuthClient;
import dev.portcullis.auth.store.ProviderKey;
import dev.portcullis.auth.store.VirtualKey;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.bus.UpstreamCredential;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds the {@link Principal} the gateway receives: the stored mappings turned into usable upstream
 * credentials (decrypted key or the organisation default, the key's inference URL or base URL, its
 * extra headers). This is the only place stored secrets are decrypted.
 */
final class PrincipalAssembler {

  private final AuthStore store;
  private final SecretCipher cipher;
  private final OrgDefaultKeys orgDefaults;

  PrincipalAssembler(AuthStore store, SecretCipher cipher, OrgDefaultKeys orgDefaults) {
    this.store = store;
    this.cipher = cipher;
    this.orgDefaults = orgDefaults;
  }

  Future<Principal> forVirtualKey(VirtualKey key) {
    return credentials(key.providerKeyIds()).map(credentials -> Principal.withOneKeyEach(key.id(),
        Principal.Kind.VIRTUAL_KEY, key.name(), key.llmProxyIds(), credentials,
        key.expiresAt() == null ? 0 : key.expiresAt()));
  }

  Future<Principal> forOAuthClient(OAuthClient client) {
    return credentials(client.providerKeyIds()).map(credentials -> Principal.withOneKeyEach(client.id(),
        Principal.Kind.OAUTH_CLIENT, client.name(), client.allowedLlmProxyIds(), credentials, 0));
  }

  private Future<Map<String, UpstreamCredential>> credentials(Map<String, String> providerKeyIds) {
    return store.providerKeysById(providerKeyIds.values()).map(keys -> {
      Map<String, UpstreamCredential> credentials = new HashMap<>();
      for (Map.Entry<String, String> mapping : providerKeyIds.entrySet()) {
        ProviderKey key = keys.get(mapping.getValue());
        if (key != null) {
          credentials.put(mapping.getKey(), credential(key));
        }
      }
      return credentials;
    });
  }

  private UpstreamCredential credential(ProviderKey key) {
    String apiKey = key.hasApiKey() ? cipher.decrypt(key.encryptedApiKey())
        : orgDefaults.forProvider(key.provider()).orElse(null);
    Map<String, String> extraHeaders = new HashMap<>();
    if (key.encryptedExtraHeaders() != null) {
      new JsonObject(cipher.decrypt(key.encryptedExtraHeaders()))
          .forEach(e -> extraHeaders.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return new UpstreamCredential(apiKey, key.upstreamUrl(), extraHeaders);
  }
}
