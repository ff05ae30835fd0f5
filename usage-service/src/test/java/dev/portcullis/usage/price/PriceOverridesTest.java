package dev.portcullis.usage.price;

import dev.portcullis.common.price.PriceCalculator;
import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.TieredPrice;
import dev.portcullis.common.price.TokenCounts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.database.Database;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceOverridesTest {

  private static final long NOW = Instant.parse("2026-12-02T12:00:00Z").toEpochMilli();
  private static final TokenCounts MILLION_EACH = new TokenCounts(1_000_000, 1_000_000, -1, -1, -1);

  @TempDir
  Path dir;

  private Vertx vertx;
  private Database db;
  private PriceOverrides overrides;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = Database.embedded(vertx, dir, "usage");
    overrides = PriceOverrides.open(vertx, db).await();
  }

  @AfterEach
  void close() {
    overrides.close().await();
    db.close().await();
    vertx.close().await();
  }

  private static ModelPrice price(String input, String output) {
    return ModelPrice.of(new BigDecimal(input), new BigDecimal(output));
  }

  @Test
  void anOverrideWinsOverTheCatalogAndSurvivesReopening() {
    PriceBook book = new PriceBook(CatalogReader.bundled(), overrides, null);
    assertThat(book.price("openai", "gpt-4o", MILLION_EACH, NOW).costUsd()).isEqualByComparingTo("12.5");

    PriceOverride stored = overrides.put("openai", "gpt-4o", price("1", "2")).await();
    assertThat(stored.price()).isEqualTo(price("1", "2"));
    Priced priced = book.price("openai", "GPT-4o", MILLION_EACH, NOW);
    assertThat(priced.source()).isEqualTo(Priced.Source.OVERRIDE);
    assertThat(priced.costUsd()).isEqualByComparingTo("3");

    overrides.close().await();
    db.close().await();
    db = Database.embedded(vertx, dir, "usage");
    overrides = PriceOverrides.open(vertx, db).await();
    assertThat(overrides.find("openai", "gpt-4o").price()).isEqualTo(price("1", "2"));
    assertThat(new PriceBook(CatalogReader.bundled(), overrides, null).price("openai", "gpt-4o", MILLION_EACH, NOW)
        .costUsd()).isEqualByComparingTo("3");
  }

  @Test
  void settingAgainReplacesAndDeletingFallsBackToTheCatalog() {
    overrides.put("openai", "gpt-4o", price("1", "2")).await();
    overrides.put("openai", "gpt-4o", price("5", "6")).await();
    assertThat(overrides.all()).hasSize(1);
    assertThat(overrides.find("openai", "gpt-4o").price()).isEqualTo(price("5", "6"));
    assertThat(overrides.delete("openai", "gpt-4o").await()).isTrue();
    assertThat(overrides.delete("openai", "gpt-4o").await()).isFalse();
    assertThat(overrides.find("openai", "gpt-4o")).isNull();
  }

  @Test
  void tiersAndEveryOptionalPriceRoundTripThroughTheTable() {
    ModelPrice full = new ModelPrice(
        new TieredPrice(new BigDecimal("1.25"), List.of(new TieredPrice.Tier(200_000, new BigDecimal("2.5")))),
        TieredPrice.flat(new BigDecimal("10")), TieredPrice.flat(new BigDecimal("0.125")),
        TieredPrice.flat(new BigDecimal("1.5")), TieredPrice.flat(new BigDecimal("12")), new BigDecimal("5"));
    overrides.put("gemini", "my-tuned-model", full).await();
    overrides.reload().await();
    ModelPrice read = overrides.find("gemini", "my-tuned-model").price();
    // Equal by value (BigDecimal scale aside): the same cost for the same call.
    TokenCounts call = new TokenCounts(250_000, 1000, 1000, 500, 100);
    assertThat(PriceCalculator.cost(read, call)).isEqualTo(PriceCalculator.cost(full, call));
    assertThat(read.reasoningPerMillion().base()).isEqualByComparingTo("12");
    assertThat(read.perThousandRequests()).isEqualByComparingTo("5");
  }

  @Test
  void anotherInstanceReReadsWhenAChangeIsAnnounced() throws Exception {
    PriceOverrides other = PriceOverrides.open(vertx, db).await();
    try {
      overrides.put("anthropic", "claude-custom", price("1", "1")).await();
      assertThat(eventually(() -> other.find("anthropic", "claude-custom") != null)).isTrue();
      overrides.delete("anthropic", "claude-custom").await();
      assertThat(eventually(() -> other.find("anthropic", "claude-custom") == null)).isTrue();
    } finally {
      other.close().await();
    }
  }

  @Test
  void aRowThatCannotBeReadIsSkippedNotGuessedAt() {
    overrides.put("openai", "good", price("1", "2")).await();
    db.query("INSERT INTO model_price_overrides (provider, model, price_json, updated_at) VALUES (?, ?, ?, ?)",
        Tuple.of("openai", "bad", "{\"inputPerMillion\": -5, \"outputPerMillion\": 1}", NOW)).await();
    overrides.reload().await();
    assertThat(overrides.find("openai", "good")).isNotNull();
    assertThat(overrides.find("openai", "bad")).isNull();
  }

  @Test
  void theSchemaIsVersionedInItsOwnTable() {
    assertThat(PriceMigrations.migrate(db).await()).isEqualTo(PriceMigrations.ALL.size());
    assertThat(db.query("SELECT MAX(version) FROM price_schema_version", Tuple.tuple()).await()
        .iterator().next().getInteger(0)).isEqualTo(1);
  }

  private static boolean eventually(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return true;
      }
      Thread.sleep(20);
    }
    return false;
  }
}
