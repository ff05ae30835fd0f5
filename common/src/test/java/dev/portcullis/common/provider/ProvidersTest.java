package dev.portcullis.common.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.error.format.OpenAiErrorFormat;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ProvidersTest {

  @Test
  void theRegistryHoldsTheCompatibleTableAndTheNativeProvidersOnce() {
    assertThat(NativeProviders.all()).extracting(ProviderDescriptor::name)
        .containsExactlyInAnyOrder("azure", "anthropic", "cohere", "gemini", "bedrock");
    assertThat(Providers.names()).containsExactlyElementsOf(java.util.stream.Stream.concat(
        OpenAiCompatibleProviders.all().stream().map(OpenAiCompatibleSpec::name),
        NativeProviders.all().stream().map(ProviderDescriptor::name)).toList());
    assertThat(Providers.names()).doesNotHaveDuplicates().contains("openai", "ollama", "vllm");
    assertThat(Providers.known("model-router")).isFalse();
    assertThat(Providers.named(null)).isNull();
    assertThatThrownBy(() -> Providers.require("nope")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyRouteBelongsToItsProviderAndSpeaksItsErrorFormat() {
    for (ProviderDescriptor descriptor : Providers.all()) {
      assertThat(descriptor.routes()).as(descriptor.name()).isNotEmpty();
      for (ProviderRoute route : descriptor.routes()) {
        assertThat(route.provider()).isEqualTo(descriptor.name());
        assertThat(route.errorFormat()).isSameAs(descriptor.errorFormat());
      }
      assertThat(descriptor.offers(Operation.MODELS)).as(descriptor.name() + " lists models").isTrue();
    }
  }

  @Test
  void anOpenAiCompatibleEntryBecomesRoutesForExactlyItsOperations() {
    ProviderDescriptor openrouter = Providers.require("openrouter");
    assertThat(openrouter.routes()).extracting(ProviderRoute::method, ProviderRoute::path)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("POST", "/chat/completions"),
            org.assertj.core.groups.Tuple.tuple("POST", "/embeddings"),
            org.assertj.core.groups.Tuple.tuple("GET", "/models"));
    assertThat(openrouter.errorFormat()).isSameAs(OpenAiErrorFormat.INSTANCE);
    assertThat(openrouter.compatible()).isSameAs(OpenAiCompatibleProviders.OPENROUTER);
    assertThat(openrouter.verticleFactory()).isNull();
    assertThat(Providers.require("openai").offers(Operation.RESPONSES)).isTrue();
    assertThat(Providers.require("groq").offers(Operation.RESPONSES)).isFalse();
    for (OpenAiCompatibleSpec spec : OpenAiCompatibleProviders.all()) {
      ProviderDescriptor descriptor = Providers.require(spec.name());
      assertThat(descriptor.routes()).extracting(ProviderRoute::operation)
          .containsExactlyInAnyOrderElementsOf(spec.operations());
      assertThat(descriptor.routerRole()).isEqualTo(RouterRole.OPENAI_COMPATIBLE);
      assertThat(descriptor.defaultKeySetting()).isEqualTo(spec.defaultKeySetting());
    }
  }

  @Test
  void aSpecOffersOnlyWhatOpenAiCompatibleRoutesServe() {
    assertThatThrownBy(() -> OpenAiCompatibleSpec.of("x", "X", "http://x", List.of(), "K")
        .offering(Operation.MESSAGES)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void clientKeysAreLookedForInEveryHeaderAnyApiUses() {
    assertThat(Providers.clientKeyHeaders())
        .containsExactlyInAnyOrder("authorization", "x-api-key", "x-goog-api-key", "api-key");
    assertThat(Providers.require("anthropic").clientKeyHeaders()).containsExactly("x-api-key", "authorization");
    assertThat(Providers.require("azure").clientKeyHeaders()).containsExactly("api-key", "authorization");
  }

  @Test
  void defaultKeySettingsFollowTheProductPage() {
    Map<String, String> settings = Providers.all().stream()
        .collect(Collectors.toMap(ProviderDescriptor::name, ProviderDescriptor::defaultKeySetting));
    assertThat(settings).containsEntry("azure", "ARCHESTRA_CHAT_AZURE_OPENAI_API_KEY")
        .containsEntry("bedrock", "ARCHESTRA_CHAT_BEDROCK_API_KEY")
        .containsEntry("ollama", "ARCHESTRA_CHAT_OLLAMA_API_KEY");
    settings.forEach((name, setting) -> assertThat(setting).matches("ARCHESTRA_CHAT_[A-Z_]+_API_KEY"));
  }

  @Test
  void serverIdentitiesAndWhatPassthroughMayDoWithThem() {
    Settings off = new Settings(new JsonObject());
    assertThat(Providers.all().stream().filter(d -> d.serverIdentity() != null && d.serverIdentity().enabledIn(off))
        .map(ProviderDescriptor::name)).containsExactlyInAnyOrder("ollama", "vllm");
    assertThat(Providers.require("ollama").serverIdentity().passthrough())
        .isEqualTo(ServerIdentity.Passthrough.HELD_TO_KEYLESS_RULE);
    ServerIdentity vertex = Providers.require("gemini").serverIdentity();
    assertThat(vertex.setting()).isEqualTo("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED");
    assertThat(vertex.passthrough()).isEqualTo(ServerIdentity.Passthrough.REFUSED);
    assertThat(vertex.refusal()).contains("Gemini API keys are not used");
    assertThat(vertex.enabledIn(new Settings(new JsonObject().put("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", "true")))).isTrue();
    for (String name : List.of("bedrock", "azure", "anthropic")) {
      assertThat(Providers.require(name).serverIdentity().passthrough()).as(name)
          .isEqualTo(ServerIdentity.Passthrough.CALLERS_KEY_USED);
    }
    assertThat(Providers.require("openai").serverIdentity()).isNull();
  }

  @Test
  void theModelRouterTranslatesFourProvidersAndForwardsTheRest() {
    assertThat(Providers.withRouterRole(RouterRole.TRANSLATED)).extracting(ProviderDescriptor::name)
        .containsExactly("anthropic", "bedrock", "cohere", "gemini");
    assertThat(Providers.withRouterRole(RouterRole.OPENAI_COMPATIBLE)).extracting(ProviderDescriptor::name)
        .containsExactlyInAnyOrderElementsOf(java.util.stream.Stream.concat(Stream.of("azure"),
            OpenAiCompatibleProviders.all().stream().map(OpenAiCompatibleSpec::name)).toList());
    assertThat(Providers.all().stream().filter(ProviderDescriptor::servesResponses).map(ProviderDescriptor::name))
        .containsExactlyInAnyOrder("openai", "azure");
    for (ProviderDescriptor translated : Providers.withRouterRole(RouterRole.TRANSLATED)) {
      assertThat(translated.translator()).startsWith("dev.portcullis.router.translate." + translated.name() + ".");
      assertThat(translated.chatEndpoint()).isNotNull();
    }
  }

  @Test
  void chatEndpointsPlaceTheModelSafely() {
    NativeEndpoint gemini = Providers.require("gemini").chatEndpoint().of("models/gemini-2.5-flash", true);
    assertThat(gemini).isEqualTo(new NativeEndpoint(Operation.STREAM_GENERATE_CONTENT,
        "/v1beta/models/gemini-2.5-flash:streamGenerateContent", "alt=sse"));
    NativeEndpoint arn = Providers.require("bedrock").chatEndpoint()
        .of("arn:aws:bedrock:us-east-1:123:inference-profile/us.amazon.nova-pro-v1:0", false);
    assertThat(arn.operation()).isEqualTo(Operation.CONVERSE);
    assertThat(arn.path()).startsWith("/model/arn%3Aaws%3Abedrock").endsWith("/converse").doesNotContain("e/us.");
    assertThat(Providers.require("anthropic").chatEndpoint().of("claude", true).path()).isEqualTo("/v1/messages");
    assertThat(Providers.require("cohere").chatEndpoint().of("command-a", false).path()).isEqualTo("/v2/chat");
  }

  @Test
  void modelListsAskForTheLargestPage() {
    assertThat(Providers.require("anthropic").modelList().query()).isEqualTo("limit=1000");
    assertThat(Providers.require("gemini").modelList().path()).isEqualTo("/v1beta/models");
    assertThat(Providers.require("cohere").modelList().query()).isEqualTo("page_size=1000&endpoint=chat");
    assertThat(Providers.require("groq").modelList()).isEqualTo(new NativeEndpoint(Operation.MODELS, "/models", null));
  }

  @Test
  void onlyBedrockAnswersWithoutAnIdOfItsOwnAndFramesItsStreamsAsAwsEvents() {
    Set<String> withoutId = Providers.all().stream().filter(d -> !d.answersNameTheirId())
        .map(ProviderDescriptor::name).collect(Collectors.toSet());
    assertThat(withoutId).containsExactly("bedrock");
    assertThat(Providers.require("bedrock").requestIdHeader()).isEqualTo("x-amzn-requestid");
    assertThat(Providers.all().stream().filter(d -> d.streamFraming() == StreamFraming.AWS_EVENT_STREAM)
        .map(ProviderDescriptor::name)).containsExactly("bedrock");
  }

  @Test
  void modelPlacementDecidesWhichModelIdsMayHoldSlashes() {
    assertThat(Providers.require("bedrock").modelPlacement().slashesAllowed()).isTrue();
    assertThat(Providers.require("azure").modelPlacement().bodyModelGoesIntoPath()).isTrue();
    assertThat(Providers.require("gemini").modelPlacement().slashesAllowed()).isFalse();
    assertThat(Providers.require("openai").modelPlacement()).isEqualTo(ModelPlacement.BODY);
  }

  @Test
  void aDescriptorIsEitherCompatibleOrNamesItsVerticle() {
    assertThatThrownBy(() -> ProviderDescriptor.builder("x", "X", OpenAiErrorFormat.INSTANCE)
        .get("/models", Operation.MODELS).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ProviderDescriptor.builder("x", "X", OpenAiErrorFormat.INSTANCE)
        .translated((m, s) -> null, null).verticleFactory("a.B").build())
        .isInstanceOf(IllegalArgumentException.class);
    for (ProviderDescriptor descriptor : NativeProviders.all()) {
      assertThat(descriptor.verticleFactory()).startsWith("dev.portcullis.provider." + descriptor.name() + ".");
    }
  }

  @Test
  void everyOperationHasItsOwnWireName() {
    assertThat(Operation.values()).extracting(Operation::wireName).doesNotHaveDuplicates();
    for (Operation operation : Operation.values()) {
      assertThat(Operation.named(operation.wireName())).isSameAs(operation);
    }
    assertThat(Operation.named("chat")).isSameAs(Operation.CHAT);
    assertThat(Operation.named("nope")).isNull();
  }
}
