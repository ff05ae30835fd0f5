package dev.portcullis.gateway.proxy;

import dev.portcullis.common.auth.Principal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.gateway.auth.MappedCredentials;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The gateway's half of a model router call: the model names a provider the caller has a key for. */
class ModelRouterHandlerTest {

  private static final String VIRTUAL_KEY = "pc-vk-0123456789abcdef";
  private static final UpstreamCredential OPENAI = new UpstreamCredential("sk-openai", null, Map.of());
  private static final UpstreamCredential BEDROCK = new UpstreamCredential("bedrock-key", null, Map.of());

  private final ModelRouterHandler handler = new ModelRouterHandler(null, new ProxyRequestAssembler(30_000), 30_000);
  private final MappedCredentials mapped = new MappedCredentials("vk-1", Principal.Kind.VIRTUAL_KEY, "virtual key", "proxy-1",
      Map.of("openai", List.of(OPENAI), "bedrock", List.of(BEDROCK)));
  private final Call call = TestCalls.call("model-router", Operation.ROUTER_CHAT_COMPLETIONS);

  @Test
  void theRouterKnowsEveryProviderSorted() {
    assertThat(ModelRouterHandler.ROUTER_PROVIDERS).isSorted()
        .containsExactlyInAnyOrderElementsOf(Providers.names());
  }

  @Test
  void aModelGoesToItsProviderWithTheCallersKeyForItAndNoVirtualKey() {
    ProxyRequest request = handler.modelCall(client(), call, "openai:gpt-4o", Buffer.buffer("{}"), mapped);

    assertThat(request.provider()).isEqualTo("openai");
    assertThat(request.model()).isEqualTo("gpt-4o");
    assertThat(request.credential()).isSameAs(OPENAI);
    assertThat(request.operation()).isEqualTo("router.chat.completions");
    assertThat(request.proxyId()).isEqualTo("proxy-1");
    assertThat(request.headers().contains("authorization")).isFalse();
    assertThat(request.query()).isNull();
  }

  @Test
  void aBedrockArnIsAValidNativeId() {
    String arn = "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-pro-v1:0";

    ProxyRequest request = handler.modelCall(client(), call, "bedrock:" + arn, Buffer.buffer("{}"), mapped);

    assertThat(request.model()).isEqualTo(arn);
    assertThat(request.credential()).isSameAs(BEDROCK);
  }

  @Test
  void aModelWithoutProviderIsTold400HowToSpellIt() {
    assertRefused("gpt-4o", 400, "Model 'gpt-4o' names no provider. The model router takes '<provider>:<model>'");
    assertRefused(null, 400, "'model' is required and must be a string");
  }

  @Test
  void anUnknownProviderIs400ListingTheRoutersProviders() {
    assertRefused("acme:gpt-4o", 400, "Unknown provider 'acme' in model 'acme:gpt-4o'. The model router knows: "
        + String.join(", ", Providers.names().stream().sorted().toList()) + ".");
  }

  @Test
  void aNativeIdThatWouldMoveTheTranslatorsPathIs400() {
    assertRefused("gemini:../x", 400, "The model id in 'gemini:../x' holds '/', which would add a path segment.");
    assertRefused("bedrock:a/../b", 400, "The model id in 'bedrock:a/../b' has a '..' part, which would move the path.");
  }

  @Test
  void aProviderTheCallerHasNoKeyForIs403() {
    assertRefused("anthropic:claude-sonnet-4-5", 403, "This virtual key has no provider key for anthropic, so "
        + "model 'anthropic:claude-sonnet-4-5' cannot be used. Map one with the admin API.");
  }

  private void assertRefused(String model, int status, String message) {
    assertThatThrownBy(() -> handler.modelCall(client(), call, model, Buffer.buffer("{}"), mapped))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().status()).isEqualTo(status);
          assertThat(e.error().message()).startsWith(message);
          if (status == 400) {
            assertThat(e.error().param()).isEqualTo("model");
          } else {
            assertThat(e.error().kind()).isEqualTo(ErrorKind.PERMISSION);
          }
        });
  }

  private static ClientRequest client() {
    return new ClientRequest("POST", MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + VIRTUAL_KEY),
        "key=" + VIRTUAL_KEY);
  }
}
