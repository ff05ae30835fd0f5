package dev.portcullis.app;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.azure.AzureOpenAiProviderVerticle;
import dev.portcullis.provider.azure.AzureSettings;
import dev.portcullis.provider.anthropic.AnthropicSettings;
import dev.portcullis.provider.anthropic.AnthropicProviderVerticle;
import dev.portcullis.provider.anthropic.FoundryEntraTokenSource;
import dev.portcullis.provider.cohere.CohereSettings;
import dev.portcullis.provider.cohere.CohereProviderVerticle;
import dev.portcullis.provider.bedrock.AwsCredentialsSource;
import dev.portcullis.provider.bedrock.BedrockProviderVerticle;
import dev.portcullis.provider.compat.OpenAiCompatibleProviderVerticle;
import dev.portcullis.common.provider.OpenAiCompatibleProviders;
import dev.portcullis.provider.gemini.GeminiProviderVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every provider verticle this build can run. Building the list reads and checks each provider's
 * settings, so a bad base URL stops the process before anything starts.
 */
final class ProviderCatalog {

  private ProviderCatalog() {}

  static List<Supplier<ProviderVerticle>> factories(Settings settings, ProviderSettings options, MeterRegistry registry) {
    List<Supplier<ProviderVerticle>> factories = new ArrayList<>();
    OpenAiCompatibleProviders.all().forEach(spec -> {
      OpenAiCompatibleProviderVerticle.baseUrl(spec, settings);
      factories.add(() -> new OpenAiCompatibleProviderVerticle(spec, settings, options, registry));
    });
    AzureSettings azure = AzureSettings.from(settings);
    // One identity for every instance: azure-identity keeps its own token cache behind it.
    TokenCredential entra = azure.entraIdEnabled() ? new DefaultAzureCredentialBuilder().build() : null;
    factories.add(() -> new AzureOpenAiProviderVerticle(azure, entra, options, registry));
    AnthropicSettings anthropic = AnthropicSettings.from(settings);
    // One token source for every instance: they share the cached Entra ID token.
    FoundryEntraTokenSource entraTokens = anthropic.foundryEntraId() ? FoundryEntraTokenSource.withDefaultCredential()
        : null;
    factories.add(() -> new AnthropicProviderVerticle(anthropic, entraTokens, options, registry));
    CohereSettings cohere = CohereSettings.from(settings);
    factories.add(() -> new CohereProviderVerticle(cohere, options, registry));
    GeminiProviderVerticle.checkSettings(settings);
    factories.add(() -> new GeminiProviderVerticle(settings, options, registry));
    BedrockProviderVerticle.checkSettings(settings);
    factories.add(() -> new BedrockProviderVerticle(settings, options, registry, AwsCredentialsSource.defaultChain()));
    return factories;
  }
}
