package dev.portcullis.provider.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.ProviderVerticleFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/** Azure AI Foundry's verticles: its settings read once, and one Entra ID identity shared by every instance. */
public final class AzureVerticleFactory implements ProviderVerticleFactory {

  @Override
  public Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings,
      ProviderSettings options, MeterRegistry registry) {
    AzureSettings azure = AzureSettings.from(settings);
    // One identity for every instance: azure-identity keeps its own token cache behind it.
    TokenCredential entra = azure.entraIdEnabled() ? new DefaultAzureCredentialBuilder().build() : null;
    return () -> new AzureOpenAiProviderVerticle(azure, entra, options, registry);
  }
}
