package dev.portcullis.auth.store;

import dev.portcullis.database.Database;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.auth.CredentialHash;
import io.vertx.core.Vertx;
import dev.portcullis.database.SchemaMigrations;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuthStore} database must do, run once against embedded H2 and once against a
 * real PostgreSQL by the subclasses.
 */
abstract class AuthStoreContract {

  protected Vertx vertx;
  protected AuthStore store;

  protected abstract Database openDatabase(Vertx vertx) throws Exception;

  /** A database of this kind with nothing in it, not even a schema, besides the store's. */
  protected abstract Database emptyDatabase(Vertx vertx) throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    vertx = Vertx.vertx();
    store = new AuthStore(openDatabase(vertx));
    store.migrate().await();
  }

  @AfterEach
  void closeStore() {
    store.close().await();
    vertx.close().await();
  }

  @Test
  void migratingTwiceIsHarmlessAndTheDefaultProxyIsCreatedOnce() {
    assertThat(store.migrate().await()).isEqualTo(Migrations.ALL.size());
    LlmProxy first = store.ensureDefaultProxy().await();
    LlmProxy second = store.ensureDefaultProxy().await();
    assertThat(second).isEqualTo(first);
    assertThat(first.isDefault()).isTrue();
    assertThat(store.listLlmProxies().await()).containsExactly(first);
  }

  @Test
  void writesAfterATransactionAreDurableAcrossReopening() throws Exception {
    // A transaction first (the migration was one), then plain writes: all must be committed.
    LlmProxy proxy = store.ensureDefaultProxy().await();
    ProviderKey key = store.createProviderKey("openai", "durable", "v1:x", null, null, null).await();
    store.close().await();
    store = new AuthStore(openDatabase(vertx));
    assertThat(store.listProviderKeys().await()).containsExactly(key);
    assertThat(store.listLlmProxies().await()).containsExactly(proxy);
  }

  @Test
  void providerKeysAreUniquePerProviderAndName() {
    ProviderKey key = store.createProviderKey("openai", "team", "v1:sealed", "http://h/v1", null, null).await();
    assertThat(store.listProviderKeys().await()).containsExactly(key);
    assertThat(store.providerKeysById(List.of(key.id(), "nope")).await()).containsOnlyKeys(key.id());
    store.createProviderKey("anthropic", "team", null, null, null, null).await();

    assertThatThrownBy(() -> store.createProviderKey("openai", "team", null, null, null, null).await())
        .isInstanceOf(DuplicateException.class);
    assertThat(store.deleteProviderKey(key.id()).await()).isTrue();
    assertThat(store.deleteProviderKey(key.id()).await()).isFalse();
  }

  @Test
  void virtualKeysKeepTheirMappingsAndAreFoundByHash() {
    ProviderKey openai = store.createProviderKey("openai", "k", "v1:x", null, null, null).await();
    LlmProxy proxy = store.createLlmProxy("team-a").await();
    String hash = CredentialHash.sha256Hex("pc-vk-example");
    VirtualKey key = store.createVirtualKey("ci", hash, List.of(KeyMapping.of("openai", openai.id())),
        List.of(proxy.id()), 42L).await();

    VirtualKey found = store.findVirtualKeyByHash(hash).await().orElseThrow();
    assertThat(found).isEqualTo(key);
    assertThat(store.listVirtualKeys().await()).containsExactly(key);
    assertThat(store.findVirtualKeyByHash(CredentialHash.sha256Hex("pc-vk-other")).await()).isEmpty();

    assertThatThrownBy(() -> store.deleteLlmProxy(proxy.id()).await()).isInstanceOf(StillReferencedException.class);
    assertThat(store.deleteVirtualKey(key.id()).await()).map(VirtualKey::keyHash).contains(hash);
    assertThat(store.findVirtualKeyByHash(hash).await()).isEmpty();
    assertThat(store.deleteLlmProxy(proxy.id()).await()).isTrue();
  }

  @Test
  void deletingAProviderKeyRemovesItFromTheKeysThatMappedIt() {
    ProviderKey openai = store.createProviderKey("openai", "k", "v1:x", null, null, null).await();
    String hash = CredentialHash.sha256Hex("pc-vk-mapped");
    store.createVirtualKey("ci", hash, List.of(KeyMapping.of("openai", openai.id())), List.of(), null).await();
    store.deleteProviderKey(openai.id()).await();
    assertThat(store.findVirtualKeyByHash(hash).await().orElseThrow().providerKeys()).isEmpty();
  }

  @Test
  void aMappingToAMissingProxyIsRejectedAndLeavesNothingBehind() {
    String hash = CredentialHash.sha256Hex("pc-vk-orphan");
    assertThatThrownBy(() -> store.createVirtualKey("x", hash, List.of(), List.of("no-such-proxy"), null).await())
        .isInstanceOf(UnknownReferenceException.class);
    assertThat(store.findVirtualKeyByHash(hash).await()).isEmpty();
  }

  @Test
  void oauthClientsAreFoundByClientIdAndDeletedWithTheirMappings() {
    ProviderKey anthropic = store.createProviderKey("anthropic", "k", "v1:x", null, null, null).await();
    LlmProxy proxy = store.createLlmProxy("agents").await();
    OAuthClient client = store.createOAuthClient("bot", "pc-oc-1", CredentialHash.sha256Hex("s"),
        List.of(KeyMapping.of("anthropic", anthropic.id())), List.of(proxy.id())).await();

    assertThat(store.findOAuthClientByClientId("pc-oc-1").await()).contains(client);
    assertThat(store.listOAuthClients().await()).containsExactly(client);
    assertThatThrownBy(() -> store.createOAuthClient("bot2", "pc-oc-1", "h", List.of(), List.of()).await())
        .isInstanceOf(DuplicateException.class);
    assertThat(store.deleteOAuthClient(client.id()).await()).map(OAuthClient::clientId).contains("pc-oc-1");
    assertThat(store.findOAuthClientByClientId("pc-oc-1").await()).isEmpty();
    assertThat(store.deleteLlmProxy(proxy.id()).await()).isTrue();
  }

  @Test
  void severalKeysOfOneProviderAreMappedWithTheirWeightsInOrder() {
    ProviderKey first = store.createProviderKey("openai", "first", "v1:a", null, null, null).await();
    ProviderKey second = store.createProviderKey("openai", "second", "v1:b", null, null, null).await();
    ProviderKey claude = store.createProviderKey("anthropic", "claude", "v1:c", null, null, null).await();
    String hash = CredentialHash.sha256Hex("pc-vk-weighted");
    // Given out of provider order: kept by provider, and within a provider as given.
    VirtualKey key = store.createVirtualKey("weighted", hash, List.of(new KeyMapping("openai", second.id(), 3),
        KeyMapping.of("anthropic", claude.id()), new KeyMapping("openai", first.id(), 1000)), List.of(), null).await();
    List<KeyMapping> expected = List.of(KeyMapping.of("anthropic", claude.id()),
        new KeyMapping("openai", second.id(), 3), new KeyMapping("openai", first.id(), 1000));
    assertThat(key.providerKeys()).containsExactlyElementsOf(expected);
    assertThat(store.findVirtualKeyByHash(hash).await().orElseThrow().providerKeys())
        .containsExactlyElementsOf(expected);
    assertThat(store.listVirtualKeys().await()).containsExactly(key);

    OAuthClient client = store.createOAuthClient("bot", "pc-oc-weighted", "h", List.of(
        new KeyMapping("openai", first.id(), 2), new KeyMapping("openai", second.id(), 5)), List.of()).await();
    assertThat(store.findOAuthClientByClientId("pc-oc-weighted").await().orElseThrow().providerKeys())
        .containsExactly(new KeyMapping("openai", first.id(), 2), new KeyMapping("openai", second.id(), 5));
    assertThat(store.listOAuthClients().await()).containsExactly(client);

    // Deleting one key leaves the other mapped, with its weight.
    store.deleteProviderKey(second.id()).await();
    assertThat(store.findVirtualKeyByHash(hash).await().orElseThrow().providerKeys())
        .containsExactly(KeyMapping.of("anthropic", claude.id()), new KeyMapping("openai", first.id(), 1000));
    assertThat(store.findOAuthClientByClientId("pc-oc-weighted").await().orElseThrow().providerKeys())
        .containsExactly(new KeyMapping("openai", first.id(), 2));
  }

  @Test
  void oneKeyMappedTwiceIsADuplicateAndLeavesNothingBehind() {
    ProviderKey openai = store.createProviderKey("openai", "k", "v1:x", null, null, null).await();
    String hash = CredentialHash.sha256Hex("pc-vk-twice");
    assertThatThrownBy(() -> store.createVirtualKey("twice", hash, List.of(KeyMapping.of("openai", openai.id()),
        new KeyMapping("openai", openai.id(), 2)), List.of(), null).await()).isInstanceOf(DuplicateException.class);
    assertThat(store.findVirtualKeyByHash(hash).await()).isEmpty();
    assertThat(store.listVirtualKeys().await()).isEmpty();
    assertThatThrownBy(() -> new KeyMapping("openai", openai.id(), 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new KeyMapping("openai", openai.id(), 1001)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * A database at schema version 4 (one key per provider, no weights) with mappings in it: the
   * upgrade keeps every mapping with weight 1, and the new primary key and cascades hold.
   */
  @Test
  void aStoreOfVersion4KeepsItsMappingsWithWeightOneAndThenTakesSeveralKeysPerProvider() throws Exception {
    Database db = emptyDatabase(vertx);
    assertThat(new SchemaMigrations(db, "schema_version", Migrations.ALL.subList(0, 4)).migrate().await())
        .isEqualTo(4);
    for (String[] key : new String[][] {{"pk-openai", "openai"}, {"pk-claude", "anthropic"}, {"pk-groq", "groq"}}) {
      db.query("INSERT INTO provider_keys (id, provider, name, api_key_encrypted, created_at) VALUES (?, ?, ?, ?, ?)",
          Tuple.of(key[0], key[1], "k", "v1:x", 1L)).await();
    }
    db.query("INSERT INTO virtual_keys (id, name, key_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
        Tuple.of("vk-1", "old", "hash-1", null, 2L)).await();
    db.query("INSERT INTO virtual_key_provider_keys (virtual_key_id, provider, provider_key_id) VALUES (?, ?, ?)",
        Tuple.of("vk-1", "openai", "pk-openai")).await();
    db.query("INSERT INTO virtual_key_provider_keys (virtual_key_id, provider, provider_key_id) VALUES (?, ?, ?)",
        Tuple.of("vk-1", "anthropic", "pk-claude")).await();
    db.query("INSERT INTO oauth_clients (id, name, client_id, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
        Tuple.of("oc-1", "old-bot", "pc-oc-old", "secret-hash", 3L)).await();
    db.query("INSERT INTO oauth_client_provider_keys (oauth_client_id, provider, provider_key_id) VALUES (?, ?, ?)",
        Tuple.of("oc-1", "groq", "pk-groq")).await();

    AuthStore upgraded = new AuthStore(db);
    try {
      assertThat(upgraded.migrate().await()).isEqualTo(Migrations.ALL.size());
      assertThat(upgraded.findVirtualKeyByHash("hash-1").await().orElseThrow()).isEqualTo(new VirtualKey("vk-1",
          "old", "hash-1", List.of(KeyMapping.of("anthropic", "pk-claude"), KeyMapping.of("openai", "pk-openai")),
          List.of(), null, 2L));
      assertThat(upgraded.listOAuthClients().await()).containsExactly(new OAuthClient("oc-1", "old-bot", "pc-oc-old",
          "secret-hash", List.of(KeyMapping.of("groq", "pk-groq")), List.of(), 3L));

      // Two keys of one provider now map; the cascades still remove mappings with their key or owner.
      ProviderKey second = upgraded.createProviderKey("openai", "second", "v1:y", null, null, null).await();
      VirtualKey both = upgraded.createVirtualKey("both", "hash-2", List.of(new KeyMapping("openai", "pk-openai", 4),
          new KeyMapping("openai", second.id(), 1)), List.of(), null).await();
      assertThat(upgraded.findVirtualKeyByHash("hash-2").await().orElseThrow()).isEqualTo(both);
      assertThat(upgraded.deleteProviderKey("pk-openai").await()).isTrue();
      assertThat(upgraded.findVirtualKeyByHash("hash-1").await().orElseThrow().providerKeys())
          .containsExactly(KeyMapping.of("anthropic", "pk-claude"));
      assertThat(upgraded.findVirtualKeyByHash("hash-2").await().orElseThrow().providerKeys())
          .containsExactly(KeyMapping.of("openai", second.id()));
      assertThat(upgraded.deleteVirtualKey("vk-1").await()).isPresent();
      assertThat(db.query("SELECT COUNT(*) FROM virtual_key_provider_keys WHERE virtual_key_id = ?",
          Tuple.of("vk-1")).await().iterator().next().getLong(0)).isZero();
      assertThat(upgraded.deleteOAuthClient("oc-1").await()).isPresent();
      assertThat(db.query("SELECT COUNT(*) FROM oauth_client_provider_keys", Tuple.tuple()).await()
          .iterator().next().getLong(0)).isZero();
    } finally {
      upgraded.close().await();
    }
  }

  @Test
  void anLlmProxysPoliciesAreStoredWhole() {
    LlmProxy proxy = store.createLlmProxy("guarded").await();
    assertThat(proxy.policies()).isNull();
    assertThat(store.findLlmProxy(proxy.id()).await()).contains(proxy);

    // Far past any VARCHAR length the other columns use: the column has none.
    String large = "{\"toolInvocation\":[" + "{\"tool\":\"send_*\",\"action\":\"block\"},".repeat(3000)
        + "{\"tool\":\"x\",\"action\":\"allow\"}]}";
    LlmProxy guarded = store.setPolicies(proxy.id(), large).await().orElseThrow();
    assertThat(guarded.policies()).isEqualTo(large);
    assertThat(store.listLlmProxies().await()).filteredOn(p -> p.id().equals(proxy.id()))
        .extracting(LlmProxy::policies).containsExactly(large);
    assertThat(guarded.toString()).doesNotContain("send_*");

    assertThat(store.setPolicies(proxy.id(), null).await().orElseThrow().policies()).isNull();
    assertThat(store.setPolicies("no-such-proxy", large).await()).isEmpty();
    assertThat(store.findLlmProxy("no-such-proxy").await()).isEmpty();
  }

  @Test
  void anLlmProxysFallbacksAreStoredAndChangedWithoutTouchingTheRest() {
    String fallbacks = "{\"openai:gpt-4o\":[\"anthropic:claude-sonnet-4-5\",\"bedrock:anthropic.claude-3-haiku\"]}";
    LlmProxy created = store.createLlmProxy("routed", "metadata", fallbacks).await();
    assertThat(created.fallbacks()).isEqualTo(fallbacks);
    assertThat(store.findLlmProxy(created.id()).await()).contains(created);
    assertThat(store.createLlmProxy("plain").await().fallbacks()).isNull();
    assertThat(created.toString()).doesNotContain("gpt-4o");

    // Each change leaves what it does not name as it was.
    store.setPolicies(created.id(), "{}").await();
    LlmProxy cleared = store.setFallbacks(created.id(), null).await().orElseThrow();
    assertThat(cleared.fallbacks()).isNull();
    assertThat(cleared.policies()).isEqualTo("{}");
    assertThat(cleared.auditBodies()).isEqualTo("metadata");
    LlmProxy both = store.updateLlmProxy(created.id(), "full", true, fallbacks).await().orElseThrow();
    assertThat(both.auditBodies()).isEqualTo("full");
    assertThat(both.fallbacks()).isEqualTo(fallbacks);
    LlmProxy auditOnly = store.updateLlmProxy(created.id(), "none", false, null).await().orElseThrow();
    assertThat(auditOnly.auditBodies()).isEqualTo("none");
    assertThat(auditOnly.fallbacks()).isEqualTo(fallbacks);
    LlmProxy fallbacksOnly = store.updateLlmProxy(created.id(), null, true, null).await().orElseThrow();
    assertThat(fallbacksOnly.auditBodies()).isEqualTo("none");
    assertThat(fallbacksOnly.fallbacks()).isNull();
    assertThat(store.listLlmProxies().await()).filteredOn(p -> p.id().equals(created.id())).containsExactly(fallbacksOnly);

    // Far past any VARCHAR length the other columns use: the column has none.
    StringBuilder large = new StringBuilder("{");
    for (int i = 0; i < 100; i++) {
      large.append(i == 0 ? "" : ",").append("\"openai:model-").append("m".repeat(150)).append(i).append("\":[");
      for (int j = 0; j < 5; j++) {
        large.append(j == 0 ? "" : ",").append("\"anthropic:fallback-").append("f".repeat(150)).append(j).append('"');
      }
      large.append(']');
    }
    String document = large.append('}').toString();
    assertThat(store.setFallbacks(created.id(), document).await().orElseThrow().fallbacks()).isEqualTo(document);

    assertThat(store.setFallbacks("no-such-proxy", fallbacks).await()).isEmpty();
    assertThat(store.updateLlmProxy("no-such-proxy", "full", true, fallbacks).await()).isEmpty();
    assertThat(store.updateLlmProxy("no-such-proxy", null, true, null).await()).isEmpty();
  }

  /** A database at schema version 5 (before fallbacks): its proxies are kept, with no fallbacks. */
  @Test
  void aStoreOfVersion5KeepsItsProxiesWithoutFallbacks() throws Exception {
    Database db = emptyDatabase(vertx);
    assertThat(new SchemaMigrations(db, "schema_version", Migrations.ALL.subList(0, 5)).migrate().await())
        .isEqualTo(5);
    db.query("INSERT INTO llm_proxies (id, name, is_default, created_at, audit_bodies, policies) "
        + "VALUES (?, ?, ?, ?, ?, ?)", Tuple.of("p-default", "default", true, 1L, "none", null)).await();
    db.query("INSERT INTO llm_proxies (id, name, is_default, created_at, audit_bodies, policies) "
        + "VALUES (?, ?, ?, ?, ?, ?)", Tuple.of("p-team", "team", false, 2L, "full", "{\"toolInvocation\":[]}")).await();

    AuthStore upgraded = new AuthStore(db);
    try {
      assertThat(upgraded.migrate().await()).isEqualTo(Migrations.ALL.size()).isEqualTo(6);
      assertThat(upgraded.listLlmProxies().await()).containsExactly(
          new LlmProxy("p-default", "default", true, 1L, "none", null, null),
          new LlmProxy("p-team", "team", false, 2L, "full", "{\"toolInvocation\":[]}", null));
      assertThat(upgraded.ensureDefaultProxy().await().id()).isEqualTo("p-default");
      String fallbacks = "{\"openai:gpt-4o\":[\"anthropic:claude-sonnet-4-5\"]}";
      assertThat(upgraded.setFallbacks("p-team", fallbacks).await().orElseThrow())
          .isEqualTo(new LlmProxy("p-team", "team", false, 2L, "full", "{\"toolInvocation\":[]}", fallbacks));
    } finally {
      upgraded.close().await();
    }
  }
}
