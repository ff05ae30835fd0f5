package dev.portcullis.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.provider.compat.OpenAiCompatibleProviderVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every provider in the registry gets its verticles from its descriptor, and they are that provider's. */
class ProviderVerticleFactoryTest {

  private static final Settings NO_SETTINGS = new Settings(new JsonObject());
  private static final ProviderSettings OPTIONS = new ProviderSettings(1_000, 1_000);

  static List<ProviderDescriptor> nativeProviders() {
    return NativeProviders.all();
  }

  static List<ProviderDescriptor> everyProvider() {
    return Providers.all();
  }

  private static Supplier<ProviderVerticle> verticles(ProviderDescriptor descriptor, Settings settings) {
    return ProviderVerticleFactory.of(descriptor).verticles(descriptor, settings, OPTIONS, new SimpleMeterRegistry());
  }

  @ParameterizedTest
  @MethodSource("nativeProviders")
  void aNativeProvidersFactoryLoadsFromItsDescriptorAndMakesThatProvidersVerticle(ProviderDescriptor descriptor) {
    ProviderVerticleFactory factory = ProviderVerticleFactory.of(descriptor);

    assertThat(factory.getClass().getName()).isEqualTo(descriptor.verticleFactory());
    ProviderVerticle verticle = verticles(descriptor, NO_SETTINGS).get();
    assertThat(verticle.name()).isEqualTo(descriptor.name());
    assertThat(verticle.descriptor()).isSameAs(descriptor);
    assertThat(verticle.getClass().getPackageName()).isEqualTo(factory.getClass().getPackageName());
  }

  @ParameterizedTest
  @MethodSource("everyProvider")
  void everyProviderInTheRegistryGetsAVerticleNamedAsItsDescriptor(ProviderDescriptor descriptor) {
    ProviderVerticle verticle = verticles(descriptor, NO_SETTINGS).get();

    assertThat(verticle.name()).isEqualTo(descriptor.name());
    if (descriptor.compatible() != null) {
      assertThat(verticle).isInstanceOf(OpenAiCompatibleProviderVerticle.class);
    }
  }

  @Test
  void aBadSettingStopsTheFactoryBeforeAnyVerticleIsMade() {
    Settings vertexWithoutProject = new Settings(new JsonObject()
        .put(NativeProviders.GEMINI.serverIdentity().setting(), "true"));
    assertThatThrownBy(() -> verticles(NativeProviders.GEMINI, vertexWithoutProject))
        .isInstanceOf(SettingsException.class);

    Settings badBaseUrl = new Settings(new JsonObject().put("ARCHESTRA_GROQ_BASE_URL", "not a url"));
    assertThatThrownBy(() -> verticles(Providers.require("groq"), badBaseUrl)).isInstanceOf(SettingsException.class);
  }

  @Test
  void aFactoryThatIsNotThereIsNamedInTheFailure() {
    ProviderDescriptor missing = ProviderDescriptor.builder("missing", "Missing", NativeProviders.COHERE.errorFormat())
        .verticleFactory("dev.portcullis.provider.missing.MissingVerticleFactory").build();

    assertThatThrownBy(() -> ProviderVerticleFactory.of(missing))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("MissingVerticleFactory");
  }
}
