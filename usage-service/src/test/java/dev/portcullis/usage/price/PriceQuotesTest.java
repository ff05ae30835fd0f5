package dev.portcullis.usage.price;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.PriceCalculator;
import dev.portcullis.common.price.PriceSheets;
import dev.portcullis.common.price.TokenCounts;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Price quotes asked over the event bus as a gateway asks them, answered from the ledger's price book. */
class PriceQuotesTest {

  private static final long NOW = Instant.parse("2026-12-02T12:00:00Z").toEpochMilli();

  private Vertx vertx;
  private SimpleMeterRegistry registry;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    registry = new SimpleMeterRegistry();
    PriceBook book = new PriceBook(CatalogReader.bundled(), null, registry);
    vertx.eventBus().consumer(Addresses.USAGE_QUOTE, new PriceQuotes(book, () -> NOW)).completion().await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private Object quote(Object ask) {
    return ((JsonObject) vertx.eventBus().request(Addresses.USAGE_QUOTE, ask).await().body()).getValue("costUsd");
  }

  private static JsonObject ask(String provider, String model, long in, long out) {
    return new JsonObject().put("provider", provider).put("model", model).put("in", in).put("out", out)
        .put("cached", -1).put("cacheWrite", -1).put("reasoning", -1);
  }

  private int failureCode(Object ask) {
    try {
      quote(ask);
    } catch (ReplyException refused) {
      return refused.failureCode();
    }
    throw new AssertionError("answered instead of failing");
  }

  @Test
  void aKnownModelIsPricedAsTheLedgerWillPriceItsRecord() {
    // gpt-4o: $2.50 per million input tokens, $10 per million output tokens.
    assertThat((BigDecimal) quote(ask("openai", "gpt-4o", 1_000_000, 1_000_000))).isEqualByComparingTo("12.5");
    assertThat((BigDecimal) quote(ask("openai", "gpt-4o", 1_000, -1))).isEqualByComparingTo("0.0025");
    // Cached tokens are part of the input, at their own price.
    assertThat((BigDecimal) quote(ask("openai", "gpt-4o", 1_000_000, 0).put("cached", 1_000_000)))
        .isEqualByComparingTo("1.25");
    // Counts left out are unknown.
    assertThat((BigDecimal) quote(new JsonObject().put("provider", "openai").put("model", "gpt-4o").put("out", 100)))
        .isEqualByComparingTo("0.001");
  }

  @Test
  void aSheetPricesEveryCountAsTheQuoteDoes() {
    JsonObject answer = (JsonObject) vertx.eventBus().request(Addresses.USAGE_QUOTE, new JsonObject()
        .put("provider", "openai").put("model", "gpt-4o").put("sheet", true)).await().body();
    ModelPrice sheet = PriceSheets.fromJson(answer.getJsonObject("price"));
    for (long[] counts : new long[][] {{1_000_000, 1_000_000, -1}, {1_000, -1, -1}, {1_000_000, 0, 1_000_000},
        {250_000, 3_000, 10_000}}) {
      assertThat(PriceCalculator.cost(sheet, new TokenCounts(counts[0], counts[1], counts[2], -1, -1)))
          .isEqualByComparingTo((BigDecimal) quote(ask("openai", "gpt-4o", counts[0], counts[1])
              .put("cached", counts[2])));
    }
    Object unknown = ((JsonObject) vertx.eventBus().request(Addresses.USAGE_QUOTE, new JsonObject()
        .put("provider", "openai").put("model", "no-such-model").put("sheet", true)).await().body()).getValue("price");
    assertThat(unknown).isNull();
    assertThat(failureCode(new JsonObject().put("sheet", true).put("model", "gpt-4o"))).isEqualTo(400);
    assertThat(failureCode(new JsonObject().put("provider", "openai").put("model", 4).put("sheet", true)))
        .isEqualTo(400);
  }

  @Test
  void anUnknownModelHasNoPriceAndIsNoUnpricedRecord() {
    assertThat(quote(ask("openai", "no-such-model", 1_000, 1_000))).isNull();
    assertThat(quote(ask("vllm", "llama", 1_000, 1_000))).isNull();
    assertThat(quote(ask("not-a-provider", "gpt-4o", 1_000, 1_000))).isNull();
    assertThat(quote(new JsonObject().put("provider", "openai").put("in", 10))).isNull();
    // Neither input nor output known: nothing to price.
    assertThat(quote(ask("openai", "gpt-4o", -1, -1))).isNull();
    assertThat(registry.find(PriceBook.UNPRICED_METRIC).counters()).isEmpty();
  }

  @Test
  void questionsThatAreNoQuoteAreRefused() {
    assertThat(failureCode("gpt-4o")).isEqualTo(400);
    assertThat(failureCode(new JsonObject().put("model", "gpt-4o"))).isEqualTo(400);
    assertThat(failureCode(ask("openai", "gpt-4o", 1, 1).put("in", "10"))).isEqualTo(400);
    assertThat(failureCode(ask("openai", "gpt-4o", 1, 1).put("out", 1.5))).isEqualTo(400);
    assertThat(failureCode(ask("openai", "gpt-4o", 1, 1).put("model", 4))).isEqualTo(400);
  }

  @Test
  void aBatchIsAnsweredQuoteByQuoteInOrder() {
    JsonObject batch = new JsonObject().put("batch", new io.vertx.core.json.JsonArray()
        .add(ask("openai", "gpt-4o", 1_000_000, 1_000_000)).add(ask("openai", "no-such-model", 1, 1))
        .add(ask("openai", "gpt-4o", 1_000, -1)));
    io.vertx.core.json.JsonArray costs = ((JsonObject) vertx.eventBus().request(Addresses.USAGE_QUOTE, batch).await()
        .body()).getJsonArray("costs");
    assertThat(costs.size()).isEqualTo(3);
    assertThat(new BigDecimal(costs.getValue(0).toString())).isEqualByComparingTo("12.5");
    assertThat(costs.getValue(1)).isNull();
    assertThat(new BigDecimal(costs.getValue(2).toString())).isEqualByComparingTo("0.0025");
    // One bad quote refuses the batch, naming it; so does a batch over the bound.
    assertThat(failureCode(new JsonObject().put("batch", new io.vertx.core.json.JsonArray()
        .add(ask("openai", "gpt-4o", 1, 1)).add(ask("openai", "gpt-4o", 1, 1).put("in", "x"))))).isEqualTo(400);
    io.vertx.core.json.JsonArray huge = new io.vertx.core.json.JsonArray();
    for (int i = 0; i <= PriceQuotes.MAX_BATCH; i++) {
      huge.add(ask("openai", "gpt-4o", 1, 1));
    }
    assertThat(failureCode(new JsonObject().put("batch", huge))).isEqualTo(400);
  }
}
