package dev.portcullis.auth.store;

import dev.portcullis.database.Database;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.auth.CredentialHash;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
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
    VirtualKey key = store.createVirtualKey("ci", hash, Map.of("openai", openai.id()), List.of(proxy.id()), 42L)
        .await();

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
    store.createVirtualKey("ci", hash, Map.of("openai", openai.id()), List.of(), null).await();
    store.deleteProviderKey(openai.id()).await();
    assertThat(store.findVirtualKeyByHash(hash).await().orElseThrow().providerKeyIds()).isEmpty();
  }

  @Test
  void aMappingToAMissingProxyIsRejectedAndLeavesNothingBehind() {
    String hash = CredentialHash.sha256Hex("pc-vk-orphan");
    assertThatThrownBy(() -> store.createVirtualKey("x", hash, Map.of(), List.of("no-such-proxy"), null).await())
        .isInstanceOf(UnknownReferenceException.class);
    assertThat(store.findVirtualKeyByHash(hash).await()).isEmpty();
  }

  @Test
  void oauthClientsAreFoundByClientIdAndDeletedWithTheirMappings() {
    ProviderKey anthropic = store.createProviderKey("anthropic", "k", "v1:x", null, null, null).await();
    LlmProxy proxy = store.createLlmProxy("agents").await();
    OAuthClient client = store.createOAuthClient("bot", "pc-oc-1", CredentialHash.sha256Hex("s"),
        Map.of("anthropic", anthropic.id()), List.of(proxy.id())).await();

    assertThat(store.findOAuthClientByClientId("pc-oc-1").await()).contains(client);
    assertThat(store.listOAuthClients().await()).containsExactly(client);
    assertThatThrownBy(() -> store.createOAuthClient("bot2", "pc-oc-1", "h", Map.of(), List.of()).await())
        .isInstanceOf(DuplicateException.class);
    assertThat(store.deleteOAuthClient(client.id()).await()).map(OAuthClient::clientId).contains("pc-oc-1");
    assertThat(store.findOAuthClientByClientId("pc-oc-1").await()).isEmpty();
    assertThat(store.deleteLlmProxy(proxy.id()).await()).isTrue();
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
}
