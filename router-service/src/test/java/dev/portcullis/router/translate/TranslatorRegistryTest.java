package dev.portcullis.router.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.provider.RouterRole;
import dev.portcullis.router.translate.anthropic.AnthropicChatTranslator;
import dev.portcullis.router.translate.bedrock.BedrockChatTranslator;
import dev.portcullis.router.translate.cohere.CohereChatTranslator;
import dev.portcullis.router.translate.gemini.GeminiChatTranslator;
import dev.portcullis.router.translate.openai.CountingIds;
import java.util.List;
import org.junit.jupiter.api.Test;

class TranslatorRegistryTest {

  private final TranslatorRegistry registry = TranslatorRegistry.standard(new CountingIds());

  @Test
  void findsEachNativeProviderByName() {
    assertThat(registry.require("anthropic")).isInstanceOf(AnthropicChatTranslator.class);
    assertThat(registry.require("gemini")).isInstanceOf(GeminiChatTranslator.class);
    assertThat(registry.require("cohere")).isInstanceOf(CohereChatTranslator.class);
    assertThat(registry.require("bedrock")).isInstanceOf(BedrockChatTranslator.class);
    assertThat(registry.find("openai")).isEmpty();
  }

  @Test
  void everyTranslatedDescriptorGetsTheTranslatorItNames() {
    List<ProviderDescriptor> translated = Providers.withRouterRole(RouterRole.TRANSLATED);
    assertThat(translated).isNotEmpty();
    for (ProviderDescriptor descriptor : translated) {
      ChatTranslator translator = registry.require(descriptor.name());
      assertThat(translator.provider()).as(descriptor.name()).isEqualTo(descriptor.name());
      assertThat(translator.getClass().getName()).isEqualTo(descriptor.translator());
    }
  }

  @Test
  void providersWithoutATranslatorAreRefusedWithA400() {
    for (ProviderDescriptor descriptor : Providers.withRouterRole(RouterRole.OPENAI_COMPATIBLE)) {
      assertThat(registry.find(descriptor.name())).as(descriptor.name()).isEmpty();
      assertThatThrownBy(() -> registry.require(descriptor.name()))
          .isInstanceOfSatisfying(GatewayException.class, e -> {
            assertThat(e.error().status()).isEqualTo(400);
            assertThat(e.error().param()).isEqualTo("model");
            assertThat(e.error().message()).isEqualTo("the model router cannot translate to provider '"
                + descriptor.name() + "'; use one of anthropic, bedrock, cohere, gemini");
          });
    }
  }

  @Test
  void unknownProviderIsA400NamingTheKnownOnes() {
    assertThatThrownBy(() -> registry.require("mistral"))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().param()).isEqualTo("model");
          assertThat(e.error().message()).contains("'mistral'").contains("anthropic, bedrock, cohere, gemini");
        });
  }

  @Test
  void refusesTwoTranslatorsForOneProvider() {
    assertThatThrownBy(() -> new TranslatorRegistry(List.of(new CohereChatTranslator(), new CohereChatTranslator())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesADescriptorWhoseTranslatorServesAnotherProvider() {
    ProviderDescriptor wrong = ProviderDescriptor.builder("anthropic-copy", "Copy", Providers.require("anthropic")
            .errorFormat())
        .translated(Providers.require("anthropic").chatEndpoint(), CohereChatTranslator.class.getName())
        .verticleFactory("none")
        .build();
    assertThatThrownBy(() -> TranslatorRegistry.load(wrong, new CountingIds()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("translates for cohere");
  }
}
