package dev.portcullis.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.provider.ServerIdentity;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** Server identities come from the provider descriptors: which ones exist here, and what passthrough may do. */
class KeylessAccessTest {

  @Test
  void onlyKeylessServersHaveAnIdentityWhenNoSettingIsOn() {
    KeylessAccess access = new KeylessAccess(new Settings(new JsonObject()));

    assertThat(Providers.names().stream().filter(access::providerIsKeyless)).containsExactlyInAnyOrder("ollama", "vllm");
  }

  @Test
  void eachDescriptorsSettingTurnsItsIdentityOn() {
    JsonObject all = new JsonObject();
    Providers.all().stream().map(d -> d.serverIdentity()).filter(id -> id != null && id.setting() != null)
        .map(ServerIdentity::setting).forEach(setting -> all.put(setting, "true"));
    KeylessAccess access = new KeylessAccess(new Settings(all));

    assertThat(Providers.names().stream().filter(access::providerIsKeyless))
        .containsExactlyInAnyOrder("ollama", "vllm", "gemini", "bedrock", "azure", "anthropic");
    assertThat(access.missingKeyMessage("anthropic"))
        .contains("Calls without a key use Portcullis' Microsoft Entra ID identity (Claude on Foundry), which only");
    assertThat(access.missingKeyMessage("azure")).contains("Portcullis' Microsoft Entra ID identity, which only");
  }

  @Test
  void trustedNetworksAreThisHostByDefault() {
    KeylessAccess access = new KeylessAccess(new Settings(new JsonObject()));

    assertThat(access.isTrusted("127.0.0.1")).isTrue();
    assertThat(access.isTrusted("::1")).isTrue();
    assertThat(access.isTrusted("127.0.0.6")).isFalse();
    assertThat(access.allowsWithoutKey("ollama", "127.0.0.1")).isTrue();
    assertThat(access.allowsWithoutKey("openai", "127.0.0.1")).isFalse();
  }

  @Test
  void theVertexRefusalBeginsWithTheDescriptorsWords() {
    KeylessAccess access = new KeylessAccess(new Settings(new JsonObject()
        .put("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", true).put(KeylessAccess.TRUSTED_NETWORKS, "10.0.0.0/8")));

    assertThat(access.refusePassthrough("gemini", "10.0.0.1")).isEqualTo(
        Providers.require("gemini").serverIdentity().refusal() + " Send a Portcullis virtual key (pc-vk-...) or an "
            + "access token from /api/auth/oauth2/token, or call without a key from a trusted network "
            + "(PORTCULLIS_TRUSTED_NETWORKS).");
    assertThat(access.refusePassthrough("ollama", "10.0.0.1")).isNull();
    assertThat(access.refusePassthrough("vllm", "192.168.0.1")).startsWith("The vllm server behind this gateway");
  }

  @Test
  void withoutVertexAiAGeminiKeyIsTheCallersOwn() {
    KeylessAccess access = new KeylessAccess(new Settings(new JsonObject()));

    assertThat(access.refusePassthrough("gemini", "10.0.0.1")).isNull();
    assertThat(access.missingKeyMessage("gemini")).startsWith("No API key was sent. Pass your gemini API key");
  }
}
