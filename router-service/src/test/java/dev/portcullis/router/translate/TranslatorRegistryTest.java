package dev.portcullis.router.translate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
  void unknownProviderIsA400NamingTheKnownOnes() {
    assertThatThrownBy(() -> registry.require("mistral"))
        .isInstanceOfSatisfying(TranslationException.class, e -> {
          assertThat(e.error().param()).isEqualTo("model");
          assertThat(e.error().message()).contains("'mistral'").contains("anthropic, bedrock, cohere, gemini");
        });
  }

  @Test
  void refusesTwoTranslatorsForOneProvider() {
    assertThatThrownBy(() -> new TranslatorRegistry(List.of(new CohereChatTranslator(), new CohereChatTranslator())))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
