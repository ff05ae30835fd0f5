package dev.portcullis.provider.bedrock;

import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.ProviderVerticleFactory;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * Bedrock's verticles, signing with the AWS default credentials chain when IAM authentication is
 * on; the endpoint and region settings are checked once, up front.
 */
public final class BedrockVerticleFactory implements ProviderVerticleFactory {

  @Override
  public Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings,
      ProviderSettings options, MeterRegistry registry) {
    BedrockProviderVerticle.checkedEndpoint(settings);
    return () -> new BedrockProviderVerticle(settings, options, registry, AwsCredentialsSource.defaultChain());
  }
}
