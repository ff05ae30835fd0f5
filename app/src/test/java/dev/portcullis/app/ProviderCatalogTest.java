package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.provider.ProviderSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The launcher runs one verticle per provider in the registry, and checks their settings before anything starts. */
class ProviderCatalogTest {

  private static final ProviderSettings OPTIONS = new ProviderSettings(1_000, 1_000);

  @Test
  void everyProviderInTheRegistryIsInTheCatalogWithItsOwnVerticle() {
    var entries = ProviderCatalog.entries(new Settings(new JsonObject()), OPTIONS, new SimpleMeterRegistry());

    assertThat(entries).extracting(entry -> entry.descriptor().name()).containsExactlyElementsOf(Providers.names());
    entries.forEach(entry -> assertThat(entry.verticles().get().name()).isEqualTo(entry.descriptor().name()));
  }

  @Test
  void aBadProviderSettingStopsTheCatalog() {
    Settings settings = new Settings(new JsonObject().put("ARCHESTRA_BEDROCK_BASE_URL", "ftp://bedrock.example"));

    assertThatThrownBy(() -> ProviderCatalog.entries(settings, OPTIONS, new SimpleMeterRegistry()))
        .isInstanceOfSatisfying(SettingsException.class,
            e -> assertThat(e.setting()).isEqualTo("ARCHESTRA_BEDROCK_BASE_URL"));
  }
}
