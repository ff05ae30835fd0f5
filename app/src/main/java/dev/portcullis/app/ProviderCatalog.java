package dev.portcullis.app;

import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.ProviderVerticleFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every provider verticle this build can run: one per provider in the registry, each made by its
 * descriptor's factory. Building the list reads and checks each provider's settings, so a bad base
 * URL stops the process before anything starts.
 */
final class ProviderCatalog {

  /** A provider, and the supplier of its verticle instances. */
  record Entry(ProviderDescriptor descriptor, Supplier<ProviderVerticle> verticles) {}

  private ProviderCatalog() {}

  static List<Entry> entries(Settings settings, ProviderSettings options, MeterRegistry registry) {
    List<Entry> entries = new ArrayList<>();
    for (ProviderDescriptor descriptor : Providers.all()) {
      entries.add(new Entry(descriptor,
          ProviderVerticleFactory.of(descriptor).verticles(descriptor, settings, options, registry)));
    }
    return entries;
  }
}
