package dev.portcullis.auth.admin;

import dev.portcullis.auth.store.KeyMapping;
import dev.portcullis.auth.store.LlmProxy;
import dev.portcullis.auth.store.OAuthClient;
import dev.portcullis.auth.store.ProviderKey;
import dev.portcullis.auth.store.SigningKeyRow;
import dev.portcullis.auth.store.VirtualKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** What the admin API shows of each record: never a key, a secret, a hash or a ciphertext. */
final class AdminViews {

  private AdminViews() {}

  static JsonObject providerKey(ProviderKey key) {
    return new JsonObject()
        .put("id", key.id())
        .put("provider", key.provider())
        .put("name", key.name())
        .put("baseUrl", key.baseUrl())
        .put("inferenceUrl", key.inferenceUrl())
        .put("createdAt", instant(key.createdAt()));
  }

  static JsonObject providerKeyListed(ProviderKey key) {
    return providerKey(key).put("hasApiKey", key.hasApiKey());
  }

  /** A signing key's id and dates; {@code retiredAt} null while it signs. Never the key. */
  static JsonObject signingKey(SigningKeyRow key) {
    return new JsonObject()
        .put("kid", key.kid())
        .put("createdAt", instant(key.createdAt()))
        .put("retiredAt", key.retiredAt() == null ? null : instant(key.retiredAt()));
  }

  /** Its fallbacks as an object, {@code {}} when it has none; never its policy document (see {@code /policies}). */
  static JsonObject llmProxy(LlmProxy proxy) {
    return new JsonObject().put("id", proxy.id()).put("name", proxy.name()).put("isDefault", proxy.isDefault())
        .put("auditBodies", proxy.auditBodies()).put("fallbacks", FallbacksDocument.view(proxy.fallbacks()));
  }

  static JsonObject virtualKeyCreated(VirtualKey key, String plainKey) {
    return new JsonObject()
        .put("id", key.id())
        .put("name", key.name())
        .put("key", plainKey)
        .put("providers", providers(key.providerKeys()))
        .put("expiresAt", instant(key.expiresAt()));
  }

  static JsonObject virtualKeyListed(VirtualKey key) {
    return new JsonObject()
        .put("id", key.id())
        .put("name", key.name())
        .put("providers", providers(key.providerKeys()))
        .put("providerKeyIds", providerKeyIds(key.providerKeys()))
        .put("providerKeys", providerKeys(key.providerKeys()))
        .put("llmProxyIds", new JsonArray(new ArrayList<>(key.llmProxyIds())))
        .put("expiresAt", instant(key.expiresAt()))
        .put("createdAt", instant(key.createdAt()));
  }

  static JsonObject oauthClientCreated(OAuthClient client, String plainSecret) {
    return new JsonObject().put("id", client.id()).put("clientId", client.clientId()).put("clientSecret", plainSecret);
  }

  static JsonObject oauthClientListed(OAuthClient client) {
    return new JsonObject()
        .put("id", client.id())
        .put("name", client.name())
        .put("clientId", client.clientId())
        .put("providerKeyIds", providerKeyIds(client.providerKeys()))
        .put("providerKeys", providerKeys(client.providerKeys()))
        .put("allowedLlmProxyIds", new JsonArray(new ArrayList<>(client.allowedLlmProxyIds())))
        .put("createdAt", instant(client.createdAt()));
  }

  /** The providers mapped, sorted, each once. */
  private static JsonArray providers(List<KeyMapping> mappings) {
    return new JsonArray(new ArrayList<>(new TreeSet<>(mappings.stream().map(KeyMapping::provider).toList())));
  }

  /** The mapped provider keys' ids, in the mappings' order (by provider, then as given). */
  private static JsonArray providerKeyIds(List<KeyMapping> mappings) {
    return new JsonArray(new ArrayList<>(mappings.stream().map(KeyMapping::providerKeyId).toList()));
  }

  /** Each mapped provider key with its provider and weight, in the mappings' order. */
  private static JsonArray providerKeys(List<KeyMapping> mappings) {
    JsonArray keys = new JsonArray();
    for (KeyMapping mapping : mappings) {
      keys.add(new JsonObject().put("id", mapping.providerKeyId()).put("provider", mapping.provider())
          .put("weight", mapping.weight()));
    }
    return keys;
  }

  private static String instant(Long epochMillis) {
    return epochMillis == null ? null : Instant.ofEpochMilli(epochMillis).toString();
  }
}
