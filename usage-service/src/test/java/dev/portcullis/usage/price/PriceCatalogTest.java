package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceCatalogTest {

  @TempDir
  Path dir;

  @Test
  void theCatalogShipsInTheJarWithItsVersionAndLicense() {
    PriceCatalog catalog = CatalogReader.bundled();
    assertThat(catalog.origin()).isEqualTo("classpath:prices/genai-prices.json");
    assertThat(catalog.packageName()).isEqualTo("@pydantic/genai-prices");
    assertThat(catalog.version()).isEqualTo("0.1.8");
    assertThat(catalog.modelCount()).isGreaterThan(1000);
    assertThat(getClass().getClassLoader().getResource("prices/LICENSE-genai-prices")).isNotNull();
  }

  @Test
  void everyMatchRuleOfTheCatalogIsUnderstood() {
    // A regex Java cannot compile, or a rule of a new kind, would silently never match.
    List<String> notUnderstood = new ArrayList<>();
    CatalogReader.bundled().models().forEach(model -> collectNever(model.match(), model.id(), notUnderstood));
    assertThat(notUnderstood).isEmpty();
  }

  private static void collectNever(MatchRule rule, String model, List<String> out) {
    if (rule instanceof MatchRule.Never never) {
      out.add(model + ": " + never.why());
    } else if (rule instanceof MatchRule.AnyOf any) {
      any.rules().forEach(r -> collectNever(r, model, out));
    } else if (rule instanceof MatchRule.AllOf all) {
      all.rules().forEach(r -> collectNever(r, model, out));
    }
  }

  @Test
  void aFileNamedByTheSettingReplacesTheBundledCatalog() throws Exception {
    Path file = dir.resolve("prices.json");
    Files.writeString(file, """
        {"source": {"package": "our-prices", "version": "2026-12"},
         "providers": [{"id": "openai", "models": [
           {"id": "house-model", "match": {"starts_with": "House-"}, "prices": {"input_mtok": 1, "output_mtok": 2}}]}]}
        """);
    Vertx vertx = Vertx.vertx();
    try {
      PriceCatalog catalog = CatalogReader.load(vertx,
          new Settings(new JsonObject().put(CatalogReader.PRICES_FILE_SETTING, file.toString()))).await();
      assertThat(catalog.version()).isEqualTo("2026-12");
      assertThat(catalog.find("openai", "house-model-7").id()).isEqualTo("house-model");
      assertThat(catalog.find("openai", "gpt-4o")).isNull();
      assertThat(CatalogReader.load(vertx, new Settings(new JsonObject())).await().version()).isEqualTo("0.1.8");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aBareProviderListIsReadToo() throws Exception {
    Path file = dir.resolve("data.json");
    Files.writeString(file, """
        [{"id": "openai", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {}}]}]""");
    PriceCatalog catalog = CatalogReader.file(file);
    assertThat(catalog.version()).isEqualTo("unknown");
    assertThat(catalog.find("openai", "m").prices().at(Instant.now())).isEqualTo(ModelPrice.FREE);
  }

  @Test
  void aBadFileStopsTheStartNamingTheSetting() throws Exception {
    Path negative = dir.resolve("negative.json");
    Files.writeString(negative, """
        [{"id": "openai", "models": [{"id": "m", "match": {"equals": "m"}, "prices": {"input_mtok": -1}}]}]""");
    assertThatThrownBy(() -> CatalogReader.file(negative)).isInstanceOf(SettingsException.class)
        .hasMessageContaining(CatalogReader.PRICES_FILE_SETTING).hasMessageContaining("openai model m");
    Path constraint = dir.resolve("constraint.json");
    Files.writeString(constraint, """
        [{"id": "openai", "models": [{"id": "m", "match": {"equals": "m"},
          "prices": [{"prices": {}}, {"constraint": {"weekday": "monday"}, "prices": {}}]}]}]""");
    assertThatThrownBy(() -> CatalogReader.file(constraint)).isInstanceOf(SettingsException.class);
    Path junk = dir.resolve("junk.json");
    Files.writeString(junk, "{not json");
    assertThatThrownBy(() -> CatalogReader.file(junk)).isInstanceOf(SettingsException.class);
    assertThatThrownBy(() -> CatalogReader.file(dir.resolve("missing.json"))).isInstanceOf(SettingsException.class);
  }

  @Test
  void compactDatesAreTriedDashedAsGenaiPricesDoes() {
    assertThat(PriceCatalog.dashedDates("gpt-5-mini-20250807")).isEqualTo("gpt-5-mini-2025-08-07");
    assertThat(PriceCatalog.dashedDates("x-20250230-y")).isEqualTo("x-20250230-y");
    assertThat(PriceCatalog.dashedDates("claude-3-20240229:0")).isEqualTo("claude-3-2024-02-29:0");
    assertThat(CatalogReader.bundled().find("openai", "gpt-5-mini-20250807").id()).isEqualTo("gpt-5-mini");
  }

  @Test
  void timesOfDayAreReadInUtc() {
    assertThat(CatalogReader.secondOfUtcDay("16:30:00Z")).isEqualTo(16.5 * 3600);
    assertThat(CatalogReader.secondOfUtcDay("01:00:00+02:00")).isEqualTo(23 * 3600);
    assertThatThrownBy(() -> CatalogReader.secondOfUtcDay("25:00:00Z")).isInstanceOf(IllegalArgumentException.class);
  }
}
