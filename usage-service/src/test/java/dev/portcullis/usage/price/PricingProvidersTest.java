package dev.portcullis.usage.price;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.provider.Providers;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PricingProvidersTest {

  @Test
  void everyPortcullisProviderIsEitherMappedOrDeclaredUnpriced() {
    Set<String> decided = new HashSet<>(PricingProviders.mapped());
    decided.addAll(PricingProviders.UNPRICED);
    assertThat(decided).containsExactlyInAnyOrderElementsOf(Providers.names());
    assertThat(PricingProviders.mapped()).doesNotContainAnyElementsOf(PricingProviders.UNPRICED);
  }

  @Test
  void everyMappedCatalogProviderExistsInTheShippedCatalog() {
    PriceCatalog catalog = CatalogReader.bundled();
    for (String provider : PricingProviders.mapped()) {
      assertThat(catalog.hasProvider(PricingProviders.catalogId(provider))).as(provider).isTrue();
    }
  }

  @Test
  void modelKeys() {
    assertThat(PricingProviders.modelKey("openai", "  GPT-4o ")).isEqualTo("gpt-4o");
    assertThat(PricingProviders.modelKey("openrouter", "openai/gpt-4o")).isEqualTo("openai/gpt-4o");
    assertThat(PricingProviders.modelKey("bedrock",
        "arn:aws:bedrock:eu-west-1:123456789012:inference-profile/eu.anthropic.claude-3-5-sonnet-20240620-v1:0"))
        .isEqualTo("eu.anthropic.claude-3-5-sonnet-20240620-v1:0");
    assertThat(PricingProviders.modelKey("bedrock", "anthropic.claude-3-5-sonnet-20240620-v1:0"))
        .isEqualTo("anthropic.claude-3-5-sonnet-20240620-v1:0");
    assertThat(PricingProviders.modelKey("gemini", "models/gemini-2.5-pro")).isEqualTo("gemini-2.5-pro");
    assertThat(PricingProviders.modelKey("gemini", "publishers/google/models/gemini-2.5-pro"))
        .isEqualTo("gemini-2.5-pro");
    // Only Bedrock reads ARNs, only Gemini strips models/.
    assertThat(PricingProviders.modelKey("openai", "models/x")).isEqualTo("models/x");
    assertThat(PricingProviders.modelKey("openai", " ")).isNull();
    assertThat(PricingProviders.modelKey("openai", null)).isNull();
    assertThat(PricingProviders.modelKey("openai", "m".repeat(257))).isNull();
  }
}
