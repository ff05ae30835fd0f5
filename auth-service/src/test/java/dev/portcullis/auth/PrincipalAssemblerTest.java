package dev.portcullis.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.auth.store.KeyMapping;
import dev.portcullis.auth.store.OAuthClient;
import dev.portcullis.auth.store.ProviderKey;
import dev.portcullis.auth.store.VirtualKey;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The principal the gateway gets: every mapped key of a provider, in order, with its id and weight. */
class PrincipalAssemblerTest {

  @TempDir
  Path dataDir;
  private Vertx vertx;
  private AuthStore store;
  private final SecretCipher cipher = SecretCipher.fromSecret(RandomTokens.base62(48));
  private PrincipalAssembler assembler;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    store = new AuthStore(Database.embedded(vertx, dataDir));
    store.migrate().await();
    assembler = new PrincipalAssembler(store, cipher, OrgDefaultKeys.fromSettings(new Settings(new JsonObject()
        .put("ARCHESTRA_CHAT_OPENAI_API_KEY", "sk-org-default"))));
  }

  @AfterEach
  void close() {
    store.close().await();
    vertx.close().await();
  }

  private ProviderKey key(String provider, String name, String apiKey, String baseUrl, String headers) {
    return store.createProviderKey(provider, name, cipher.encrypt(apiKey), baseUrl, null,
        headers == null ? null : cipher.encrypt(headers)).await();
  }

  @Test
  void aVirtualKeyGetsEveryKeyOfEachProviderInOrderWithItsIdAndWeight() {
    ProviderKey first = key("openai", "first", "sk-first", "http://first.example/v1", "{\"OpenAI-Project\":\"p1\"}");
    ProviderKey second = key("openai", "second", "sk-second", null, null);
    ProviderKey orgDefault = key("openai", "org", null, null, null);
    ProviderKey claude = key("anthropic", "claude", "sk-ant", null, null);
    VirtualKey virtualKey = store.createVirtualKey("app", "hash", List.of(new KeyMapping("openai", second.id(), 3),
        new KeyMapping("openai", first.id(), 1), KeyMapping.of("anthropic", claude.id()),
        new KeyMapping("openai", orgDefault.id(), 1000)), List.of(), 99L).await();

    Principal principal = assembler.forVirtualKey(virtualKey).await();

    assertThat(principal.kind()).isEqualTo(Principal.Kind.VIRTUAL_KEY);
    assertThat(principal.expiresAtMillis()).isEqualTo(99L);
    assertThat(principal.credentials()).containsOnlyKeys("openai", "anthropic");
    assertThat(principal.keysFor("openai")).containsExactly(
        new UpstreamCredential("sk-second", null, Map.of(), false, second.id(), 3),
        new UpstreamCredential("sk-first", "http://first.example/v1", Map.of("OpenAI-Project", "p1"), false,
            first.id(), 1),
        // A stored key without its own API key stands for the organisation default, still named by its id.
        new UpstreamCredential("sk-org-default", null, Map.of(), false, orgDefault.id(), 1000));
    assertThat(principal.keysFor("anthropic")).containsExactly(
        new UpstreamCredential("sk-ant", null, Map.of(), false, claude.id(), 1));
  }

  @Test
  void anOAuthClientGetsItsKeysTooAndAKeyDeletedMeanwhileIsLeftOut() {
    ProviderKey first = key("groq", "first", "gsk-1", null, null);
    ProviderKey second = key("groq", "second", "gsk-2", null, null);
    OAuthClient client = store.createOAuthClient("bot", "pc-oc-x", "hash", List.of(new KeyMapping("groq", first.id(), 7),
        new KeyMapping("groq", second.id(), 2)), List.of()).await();

    assertThat(assembler.forOAuthClient(client).await().keysFor("groq")).containsExactly(
        new UpstreamCredential("gsk-1", null, Map.of(), false, first.id(), 7),
        new UpstreamCredential("gsk-2", null, Map.of(), false, second.id(), 2));

    // The client as read before the delete still lists the key; the principal leaves it out.
    store.deleteProviderKey(first.id()).await();
    Principal principal = assembler.forOAuthClient(client).await();
    assertThat(principal.kind()).isEqualTo(Principal.Kind.OAUTH_CLIENT);
    assertThat(principal.keysFor("groq")).containsExactly(
        new UpstreamCredential("gsk-2", null, Map.of(), false, second.id(), 2));
    store.deleteProviderKey(second.id()).await();
    assertThat(assembler.forOAuthClient(client).await().credentials()).isEmpty();
  }
}
