package dev.portcullis.app;

import dev.portcullis.common.config.Settings;
import dev.portcullis.provider.ProviderOptions;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.bedrock.AwsCredentialsSource;
import dev.portcullis.provider.bedrock.BedrockProviderVerticle;
import dev.portcullis.provider.compat.OpenAiCompatibleProviderVerticle;
import dev.portcullis.provider.compat.OpenAiCompatibleProviders;
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

  static List<Supplier<ProviderVerticle>> factories(Settings settings, ProviderOptions options, MeterRegistry registry) {
    List<Supplier<ProviderVerticle>> factories = new ArrayList<>();
    OpenAiCompatibleProviders.all().forEach(spec -> {
      OpenAiCompatibleProviderVerticle.baseUrl(spec, settings);
      factories.add(() -> new OpenAiCompatibleProviderVerticle(spec, settings, options, registry));
    });
    GeminiProviderVerticle.checkSettings(settings);
    factories.add(() -> new GeminiProviderVerticle(settings, options, registry));
    BedrockProviderVerticle.checkSettings(settings);
    factories.add(() -> new BedrockProviderVerticle(settings, options, registry, AwsCredentialsSource.defaultChain()));
    return factories;
  }
}
