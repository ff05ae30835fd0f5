package dev.portcullis.provider.gemini;

import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.ProviderVerticleFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** Gemini's verticles, AI Studio or Vertex AI; its base URL and Vertex AI settings are checked once, up front. */
public final class GeminiVerticleFactory implements ProviderVerticleFactory {

  @Override
  public Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings,
      ProviderSettings options, MeterRegistry registry) {
    settings.url(GeminiProviderVerticle.BASE_URL, GeminiProviderVerticle.DEFAULT_BASE_URL);
    VertexAiEndpoint.from(settings);
    return () -> new GeminiProviderVerticle(settings, options, registry);
  }
}
