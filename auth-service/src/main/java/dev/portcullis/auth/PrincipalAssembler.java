package dev.portcullis.auth;

import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.auth.store.KeyMapping;
import dev.portcullis.auth.store.OAuthClient;
import dev.portcullis.auth.store.ProviderKey;
import dev.portcullis.auth.store.VirtualKey;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.bus.UpstreamCredential;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the {@link Principal} the gateway receives: the stored mappings turned into usable upstream
 * credentials (decrypted key or the organisation default, the key's inference URL or base URL, its
 * extra headers), every mapped key of a provider in the mapping's order, each named by its stored
 * id and carrying its weight. This is the only place stored secrets are decrypted.
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
    return credentials(key.providerKeys()).map(credentials -> new Principal(key.id(), Principal.Kind.VIRTUAL_KEY,
        key.name(), key.llmProxyIds(), credentials, key.expiresAt() == null ? 0 : key.expiresAt()));
  }

  Future<Principal> forOAuthClient(OAuthClient client) {
    return credentials(client.providerKeys()).map(credentials -> new Principal(client.id(),
        Principal.Kind.OAUTH_CLIENT, client.name(), client.allowedLlmProxyIds(), credentials, 0));
  }

  /**
   * Each provider's keys in the mapping's order, each naming its stored key and carrying its
   * weight. A key deleted since the mapping was read is left out.
   */
  private Future<Map<String, List<UpstreamCredential>>> credentials(List<KeyMapping> mappings) {
    List<String> ids = mappings.stream().map(KeyMapping::providerKeyId).distinct().toList();
    return store.providerKeysById(ids).map(keys -> {
      Map<String, List<UpstreamCredential>> credentials = new LinkedHashMap<>();
      for (KeyMapping mapping : mappings) {
        ProviderKey key = keys.get(mapping.providerKeyId());
        if (key != null) {
          credentials.computeIfAbsent(mapping.provider(), provider -> new ArrayList<>())
              .add(credential(key, mapping.weight()));
        }
      }
      return credentials;
    });
  }

  private UpstreamCredential credential(ProviderKey key, int weight) {
    String apiKey = key.hasApiKey() ? cipher.decrypt(key.encryptedApiKey())
        : orgDefaults.forProvider(key.provider()).orElse(null);
    Map<String, String> extraHeaders = new HashMap<>();
    if (key.encryptedExtraHeaders() != null) {
      new JsonObject(cipher.decrypt(key.encryptedExtraHeaders()))
          .forEach(e -> extraHeaders.put(e.getKey(), String.valueOf(e.getValue())));
    }
    return new UpstreamCredential(apiKey, key.upstreamUrl(), extraHeaders, false, key.id(), weight);
  }
}
