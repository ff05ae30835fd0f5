package dev.portcullis.provider.cohere;

import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.ProviderVerticleFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** Cohere's verticles, with its settings read once. */
public final class CohereVerticleFactory implements ProviderVerticleFactory {

  @Override
  public Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings,
      ProviderSettings options, MeterRegistry registry) {
    CohereSettings cohere = CohereSettings.from(settings);
    return () -> new CohereProviderVerticle(cohere, options, registry);
  }
}
