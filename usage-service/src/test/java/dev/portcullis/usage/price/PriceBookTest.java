package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.TokenCounts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.database.Database;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceBookTest {

  private static final long NOW = Instant.parse("2026-12-02T12:00:00Z").toEpochMilli();
  private static final PriceCatalog CATALOG = CatalogReader.bundled();

  @TempDir
  Path dir;

  private Vertx vertx;
  private Database db;
  private PriceOverrides overrides;
  private SimpleMeterRegistry registry;
  private PriceBook book;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    db = Database.embedded(vertx, dir, "usage");
    overrides = PriceOverrides.open(vertx, db).await();
    registry = new SimpleMeterRegistry();
    book = new PriceBook(CATALOG, overrides, registry);
  }

  @AfterEach
  void close() {
    overrides.close().await();
    db.close().await();
    vertx.close().await();
  }

  static UsageRecord record(String provider, String requested, String answered, long in, long out) {
    return new UsageRecord("r1", NOW, "proxy", UsageRecord.CallerKind.VIRTUAL_KEY, "vk", provider, "chat", requested,
        answered, in, out, -1, -1, -1, false, 200, "ok", 12.5, null, null);
  }

  private double unpriced(String provider) {
    var counter = registry.find(PriceBook.UNPRICED_METRIC).tag("provider", provider).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void unknownModelsAreCountedByProviderOnly() {
    book.price(record("openai", "made-up-1", "made-up-1", 10, 10));
    book.price(record("openai", "made-up-2", null, 10, 10));
    book.price(record("ollama", "llama3", "llama3", 10, 10));
    book.price(record("not-a-provider", "gpt-4o", "gpt-4o", 10, 10));
    assertThat(unpriced("openai")).isEqualTo(2);
    assertThat(unpriced("ollama")).isEqualTo(1);
    assertThat(unpriced("other")).isEqualTo(1);
    assertThat(registry.find(PriceBook.UNPRICED_METRIC).counters()).allSatisfy(counter ->
        assertThat(counter.getId().getTags()).extracting(tag -> tag.getKey()).containsExactly("provider"));
  }

  @Test
  void aKnownModelWithoutCountsHasNoCostButIsNotCountedAsUnpriced() {
    Priced priced = book.price(record("openai", "gpt-4o", "gpt-4o", -1, -1));
    assertThat(priced.costUsd()).isNull();
    assertThat(priced.modelKnown()).isTrue();
    assertThat(unpriced("openai")).isZero();
  }

  @Test
  void theAnsweredModelIsPricedAndTheRequestedOneOnlyWhenTheAnswerNamesNone() {
    // Bedrock answers name no model: the requested id (an ARN here) is priced.
    Priced bedrock = book.price(record("bedrock",
        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-pro-v1:0", null, 1_000_000, 1_000_000));
    assertThat(bedrock.costUsd()).isEqualByComparingTo("4");
    assertThat(bedrock.model()).isEqualTo("amazon.nova-pro-v1:0");
    // OpenAI answers with the dated snapshot of the alias asked for.
    assertThat(book.price(record("openai", "gpt-4o", "gpt-4o-2024-08-06", 1000, 1000)).costUsd())
        .isEqualByComparingTo("0.0125");
    // An answered model the catalog does not know is not priced as the requested one: no guess.
    assertThat(book.price(record("openai", "gpt-4o", "gpt-4o-something-new", 1000, 1000)).costUsd()).isNull();
  }

  @Test
  void anAdministratorsPriceForADeploymentNameWinsOverTheCatalogsForTheAnsweredModel() {
    overrides.put("azure", "prod-chat", ModelPrice.of(new BigDecimal("1"), new BigDecimal("2"))).await();
    Priced priced = book.price(record("azure", "prod-chat", "gpt-4o-2024-08-06", 1_000_000, 1_000_000));
    assertThat(priced.source()).isEqualTo(Priced.Source.OVERRIDE);
    assertThat(priced.costUsd()).isEqualByComparingTo("3");
    // Without the override the answered model is OpenAI's gpt-4o: 2.5 + 10.
    assertThat(book.price(record("azure", "other-deployment", "gpt-4o-2024-08-06", 1_000_000, 1_000_000)).costUsd())
        .isEqualByComparingTo("12.5");
  }

  @Test
  void theLookupCacheStaysBoundedWhateverModelIdsArrive() {
    for (int i = 0; i < PriceBook.CACHE_LIMIT * 2 + 10; i++) {
      book.price("openrouter", "attacker/model-" + i, new TokenCounts(1, 1, -1, -1, -1), NOW);
    }
    assertThat(book.cachedLookups()).isLessThanOrEqualTo(PriceBook.CACHE_LIMIT);
    // Still right after all that.
    assertThat(book.price("openai", "gpt-4o", new TokenCounts(1000, 500, 400, -1, -1), NOW).costUsd())
        .isEqualByComparingTo("0.007");
  }

  @Test
  void aModelIsLookedUpInTheCatalogOnceThenFromTheCache() {
    TokenCounts counts = new TokenCounts(1000, 500, 400, -1, -1);
    for (int i = 0; i < 1000; i++) {
      book.price("openrouter", "anthropic/claude-sonnet-4.5", counts, NOW);
      book.price("openrouter", "no/such-model", counts, NOW);
    }
    // One entry each, found or not: the walk through OpenRouter's 700 models happened once.
    assertThat(book.cachedLookups()).isEqualTo(2);
  }
}
