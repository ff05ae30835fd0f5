package dev.portcullis.provider;

import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.compat.OpenAiCompatibleProviderVerticle;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;

/**
 * Makes the verticles of one provider. Each native provider has one, in its own package, at the
 * class name its descriptor declares ({@link ProviderDescriptor#verticleFactory()}); every
 * OpenAI-compatible provider gets {@link OpenAiCompatibleProviderVerticle}. {@link #of} is the one
 * place that tells them apart, so a launcher lists providers without naming any.
 *
 * <p>An implementation has a public no-argument constructor.
 */
public interface ProviderVerticleFactory {

  /**
   * Reads and checks the provider's settings now, so a bad one stops the launcher (with a
   * {@code SettingsException} naming it) before anything starts, and builds what every instance
   * shares (a token source, an identity); the supplier then makes one verticle per call.
   */
  Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings, ProviderSettings options,
      MeterRegistry registry);

  /** The factory of the provider: its descriptor's class for a native one, the shared one for OpenAI-compatible ones. */
  static ProviderVerticleFactory of(ProviderDescriptor descriptor) {
    if (descriptor.compatible() != null) {
      return OpenAiCompatibleProviderVerticle::verticles;
    }
    try {
      return Class.forName(descriptor.verticleFactory()).asSubclass(ProviderVerticleFactory.class)
          .getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException | ClassCastException | NoSuchMethodException | InstantiationException
        | IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("The " + descriptor.name() + " provider's verticle factory "
          + descriptor.verticleFactory() + " cannot be loaded: " + e, e);
    }
  }
}
