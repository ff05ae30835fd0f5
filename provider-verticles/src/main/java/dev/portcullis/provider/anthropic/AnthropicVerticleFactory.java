package dev.portcullis.provider.anthropic;

import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.ProviderVerticleFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** Anthropic's verticles: its settings read once, and one Entra ID token source shared by every instance. */
public final class AnthropicVerticleFactory implements ProviderVerticleFactory {

  @Override
  public Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings,
      ProviderSettings options, MeterRegistry registry) {
    AnthropicSettings anthropic = AnthropicSettings.from(settings);
    // One token source for every instance: they share the cached Entra ID token.
    FoundryEntraTokenSource entraTokens = anthropic.foundryEntraId() ? FoundryEntraTokenSource.withDefaultCredential()
        : null;
    return () -> new AnthropicProviderVerticle(anthropic, entraTokens, options, registry);
  }
}
