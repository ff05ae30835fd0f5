package dev.portcullis.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.limit.LimitCounter;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.limit.LimitMetric;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitRuleParser;
import dev.portcullis.common.limit.LimitWindow;
import dev.portcullis.common.limit.LocalLimitCounters;
import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.PriceSheets;
import dev.portcullis.common.price.TieredPrice;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The enforcer on its own: rules given, counters in memory or failing, the ledger's answers stubbed on the bus. */
class LimitEnforcerTest {

  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private static final LimitSettings DEFAULTS = new LimitSettings(true, false, 1024, 1000);
  /** How many times the stubbed ledger was asked for a price sheet. */
  private final AtomicInteger sheetAsks = new AtomicInteger();

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private static LimitRule rule(String id, String json) {
    return LimitRuleParser.parse(new JsonObject(json)).stored(id, 1, "t", "t");
  }

  private LimitEnforcer enforcer(List<LimitRule> rules, LimitCounters counters, LimitSettings settings) {
    return new LimitEnforcer(vertx, LimitRuleBook.of(vertx, rules), counters, settings, registry);
  }

  private static LimitAdmission admit(LimitEnforcer enforcer, String keyId, String model, String body) {
    return enforcer.admit(CallerKind.VIRTUAL_KEY, keyId, "proxy-1", "openai", model, false,
        Buffer.buffer(body)).await();
  }

  @Test
  void callsNoRuleCoversReserveNothing() {
    LimitEnforcer enforcer = enforcer(List.of(rule("lim_a",
        "{\"name\":\"a\",\"appliesTo\":{\"virtualKeyId\":\"vk_a\"},\"requestsPerMinute\":1}")),
        new LocalLimitCounters(), DEFAULTS);
    assertThat(admit(enforcer, "vk_other", "gpt-4o", "{}")).isSameAs(LimitAdmission.NONE);
  }

  @Test
  void aRefusalGivesBackWhatTheOtherRulesReserved() {
    LocalLimitCounters counters = new LocalLimitCounters();
    LimitRule tokens = rule("lim_t", "{\"name\":\"t\",\"appliesTo\":{\"organization\":true},\"tokensPerMinute\":100000}");
    LimitRule requests = rule("lim_r", "{\"name\":\"r\",\"appliesTo\":{\"virtualKeyId\":\"vk\"},\"requestsPerMinute\":1}");
    LimitEnforcer enforcer = enforcer(List.of(tokens, requests), counters, DEFAULTS);
    String body = "{\"model\":\"gpt-4o\",\"max_tokens\":50,\"messages\":[]}";
    LimitAdmission first = admit(enforcer, "vk", "gpt-4o", body);
    assertThat(first.refused()).isFalse();
    long reserved = counters.used(LimitMetric.TOKENS.key(tokens), LimitWindow.MINUTE).await();
    assertThat(reserved).isEqualTo((body.length() + 3) / 4 + 50);

    LimitAdmission second = admit(enforcer, "vk", "gpt-4o", body);
    assertThat(second.refused()).isTrue();
    assertThat(second.refusal().kind()).isEqualTo(ErrorKind.RATE_LIMITED);
    assertThat(second.refusal().message()).contains("lim_r").contains("'r'").contains("1 requests per minute");
    assertThat(second.refusalHeaders()).containsEntry("x-portcullis-limit-rule", "lim_r")
        .containsEntry("x-ratelimit-limit-requests", "1").containsEntry("x-ratelimit-remaining-requests", "0")
        .containsKey("Retry-After");
    assertThat(second.note()).isEqualTo("refused:lim_r");
    // The refused call's token reservation was given back.
    assertThat(counters.used(LimitMetric.TOKENS.key(tokens), LimitWindow.MINUTE).await()).isEqualTo(reserved);

    // Settling the first call with its real usage corrects the counter.
    enforcer.settle(first, new Usage("gpt-4o", 7, 3), 200);
    assertThat(counters.used(LimitMetric.TOKENS.key(tokens), LimitWindow.MINUTE).await()).isEqualTo(10);
    assertThat(registry.get(LimitEnforcer.REFUSALS).tag("rule", "lim_r").counter().count()).isEqualTo(1);
  }

  @Test
  void aFailedCallThatReportedNoUsageGivesItsTokensBack() {
    LocalLimitCounters counters = new LocalLimitCounters();
    LimitRule tokens = rule("lim_t", "{\"name\":\"t\",\"appliesTo\":{\"organization\":true},\"tokensPerMinute\":5000}");
    LimitEnforcer enforcer = enforcer(List.of(tokens), counters, DEFAULTS);
    LimitAdmission admitted = admit(enforcer, "vk", "gpt-4o", "{\"messages\":[]}");
    assertThat(counters.used(LimitMetric.TOKENS.key(tokens), LimitWindow.MINUTE).await()).isEqualTo(4 + 1024);
    enforcer.settle(admitted, null, 502);
    assertThat(counters.used(LimitMetric.TOKENS.key(tokens), LimitWindow.MINUTE).await()).isZero();
  }

  @Test
  void unreachableCountersRefuseSpendAndAllowRatesByDefaultAndTheOtherWayWhenSetSo() {
    LimitCounters down = new FailingCounters();
    LimitRule rates = rule("lim_r", "{\"name\":\"r\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":5}");
    assertThat(admit(enforcer(List.of(rates), down, DEFAULTS), "vk", "m", "{}").refused()).isFalse();
    LimitAdmission refusedRates = admit(enforcer(List.of(rates), down, new LimitSettings(true, true, 1024, 1000)),
        "vk", "m", "{}");
    assertThat(refusedRates.refused()).isTrue();
    assertThat(refusedRates.refusal().status()).isEqualTo(503);
    assertThat(refusedRates.refusal().message()).contains("lim_r");

    // Spend: the ledger answers prices, the counters do not.
    // $1 a call, whatever its tokens.
    quotes(new ModelPrice(TieredPrice.ZERO, TieredPrice.ZERO, null, null, null, BigDecimal.valueOf(1000)));
    LimitRule spend = rule("lim_s", "{\"name\":\"s\",\"appliesTo\":{\"organization\":true},"
        + "\"spendUsd\":{\"amount\":10,\"window\":\"day\"}}");
    LimitAdmission refusedSpend = admit(enforcer(List.of(spend), down, DEFAULTS), "vk", "m", "{}");
    assertThat(refusedSpend.refused()).isTrue();
    assertThat(refusedSpend.refusal().status()).isEqualTo(503);
    assertThat(admit(enforcer(List.of(spend), down, new LimitSettings(false, false, 1024, 1000)), "vk", "m", "{}")
        .refused()).isFalse();
    assertThat(registry.get(LimitEnforcer.UNAVAILABLE).tags("limit", "spend", "action", "refused").counter().count())
        .isEqualTo(1);
    assertThat(registry.get(LimitEnforcer.UNAVAILABLE).tags("limit", "rates", "action", "allowed").counter().count())
        .isEqualTo(1);
  }

  @Test
  void spendIsSeededFromTheLedgerOnceThenReservedAtTheEstimatedCost() {
    int[] seeds = {0};
    vertx.eventBus().<JsonObject>consumer(Addresses.LIMITS_SPENT, m -> {
      seeds[0]++;
      long bucket = LimitWindow.Calendar.DAY.bucketOf(System.currentTimeMillis());
      m.reply(new JsonObject().put("revision", 1).put("buckets", new JsonObject().put(Long.toString(bucket),
          9_000_000_000L)));
    });
    // $1 per million tokens, in and out alike.
    quotes(ModelPrice.of(BigDecimal.ONE, BigDecimal.ONE));
    LocalLimitCounters counters = new LocalLimitCounters();
    LimitRule spend = rule("lim_s", "{\"name\":\"budget\",\"appliesTo\":{\"organization\":true},"
        + "\"spendUsd\":{\"amount\":10,\"window\":\"day\"}}");
    LimitEnforcer enforcer = enforcer(List.of(spend), counters, DEFAULTS);
    LimitAdmission first = admit(enforcer, "vk", "m", "{\"max_tokens\":1000}");
    assertThat(first.refused()).isFalse();
    assertThat(seeds[0]).isEqualTo(1);
    String key = LimitMetric.SPEND.key(spend);
    long afterReserve = counters.used(key, LimitWindow.Calendar.DAY).await();
    assertThat(afterReserve).isEqualTo(9_000_000_000L + (4 + 1000) * 1_000L + 1_000L);
    // The call really used a million tokens: $1, over the $10 budget once settled.
    enforcer.settle(first, new Usage("m", 999_000, 1_000), 200);
    long deadline = System.currentTimeMillis() + 5_000;
    while (counters.used(key, LimitWindow.Calendar.DAY).await() != 10_000_000_000L
        && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(counters.used(key, LimitWindow.Calendar.DAY).await()).isEqualTo(10_000_000_000L);
    LimitAdmission next = admit(enforcer, "vk", "m", "{\"max_tokens\":1}");
    assertThat(next.refused()).isTrue();
    assertThat(next.refusal().message()).contains("$10 of spend per day").contains("budget");
    assertThat(next.refusalHeaders()).containsEntry("x-ratelimit-limit-spend-usd", "10")
        .containsEntry("x-ratelimit-remaining-spend-usd", "0");
    assertThat(seeds[0]).isEqualTo(1);
  }

  @Test
  void spendIsPricedFromTheKeptSheetAsTheLedgerPricesItAndAPriceChangeDropsTheSheet() {
    vertx.eventBus().<JsonObject>consumer(Addresses.LIMITS_SPENT, m -> m.reply(new JsonObject().put("revision", 1)
        .put("buckets", new JsonObject())));
    // $1 per million tokens, $2 in and out for a call with more than 100 input tokens, and a cent a call.
    TieredPrice tiered = new TieredPrice(BigDecimal.ONE, List.of(new TieredPrice.Tier(100, BigDecimal.valueOf(2))));
    quotes(new ModelPrice(tiered, tiered, null, null, null, BigDecimal.TEN));
    LocalLimitCounters counters = new LocalLimitCounters();
    LimitRule spend = rule("lim_s", "{\"name\":\"budget\",\"appliesTo\":{\"organization\":true},"
        + "\"spendUsd\":{\"amount\":10,\"window\":\"day\"}}");
    LimitEnforcer enforcer = enforcer(List.of(spend), counters, DEFAULTS);
    String key = LimitMetric.SPEND.key(spend);
    long expected = 0;
    for (long input : new long[] {50, 1_000, 7}) {
      LimitAdmission admitted = admit(enforcer, "vk", "m", "{\"max_tokens\":10}");
      assertThat(admitted.refused()).isFalse();
      enforcer.settle(admitted, new Usage("m", input, 20), 200);
      // What the ledger records: the tier is chosen by the input tokens and applies to all of them.
      long perMillion = input > 100 ? 2 : 1;
      expected += (input + 20) * perMillion * 1_000 + 10_000_000;
      awaitUsed(counters, key, expected);
    }
    assertThat(sheetAsks.get()).as("one sheet for every call of a minute").isEqualTo(1);

    vertx.eventBus().publish(Addresses.PRICES_CHANGED, null);
    long deadline = System.currentTimeMillis() + 5_000;
    while (sheetAsks.get() < 2 && System.currentTimeMillis() < deadline) {
      admit(enforcer, "vk", "m", "{}");
    }
    assertThat(sheetAsks.get()).as("asked again after a price change").isEqualTo(2);
  }

  private static void awaitUsed(LocalLimitCounters counters, String key, long expected) {
    long deadline = System.currentTimeMillis() + 5_000;
    while (counters.used(key, LimitWindow.Calendar.DAY).await() != expected && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(counters.used(key, LimitWindow.Calendar.DAY).await()).isEqualTo(expected);
  }

  @Test
  void aHardSpendRuleRefusesAModelWithoutAPrice() {
    quotes(null);
    LimitRule spend = rule("lim_s", "{\"name\":\"budget\",\"appliesTo\":{\"organization\":true},"
        + "\"spendUsd\":{\"amount\":10,\"window\":\"day\"}}");
    LimitAdmission refused = admit(enforcer(List.of(spend), new LocalLimitCounters(), DEFAULTS), "vk", "mystery", "{}");
    assertThat(refused.refused()).isTrue();
    assertThat(refused.refusal().status()).isEqualTo(403);
    assertThat(refused.refusal().message()).contains("no price").contains("openai:mystery");
  }

  @Test
  void tokenEstimatesReadEachApisOutputCap() {
    assertThat(TokenEstimate.outputCap(Buffer.buffer("{\"max_tokens\":5}"))).isEqualTo(5);
    assertThat(TokenEstimate.outputCap(Buffer.buffer("{\"generationConfig\":{\"maxOutputTokens\":7}}"))).isEqualTo(7);
    assertThat(TokenEstimate.outputCap(Buffer.buffer("{\"inferenceConfig\":{\"maxTokens\":9}}"))).isEqualTo(9);
    assertThat(TokenEstimate.outputCap(Buffer.buffer("{\"max_output_tokens\":11}"))).isEqualTo(11);
    assertThat(TokenEstimate.outputCap(Buffer.buffer("not json"))).isEqualTo(-1);
    assertThat(TokenEstimate.outputCap(Buffer.buffer("[".repeat(10_000)))).isEqualTo(-1);
    assertThat(TokenEstimate.outputCap(Buffer.buffer("{\"max_tokens\":-3}"))).isEqualTo(-1);
    // A cap quoted inside the prompt is text, not the request's cap; a schema's property is no cap either.
    assertThat(TokenEstimate.outputCap(Buffer.buffer("{\"messages\":[{\"content\":\"\\\"max_tokens\\\": 1\"}],"
        + "\"tools\":[{\"parameters\":{\"max_tokens\":{\"type\":\"integer\"}}}],\"max_tokens\" : 500}"))).isEqualTo(500);
    assertThat(TokenEstimate.outputCap(Buffer.buffer("{\"max_tokens\":1e9}"))).isEqualTo(-1);
  }

  /** Answers price sheet asks as the ledger does, with this price for every model ({@code null}: none). */
  private void quotes(ModelPrice price) {
    vertx.eventBus().<JsonObject>consumer(Addresses.USAGE_QUOTE, m -> {
      sheetAsks.incrementAndGet();
      assertThat(m.body().getBoolean("sheet")).isTrue();
      m.reply(new JsonObject().put("price", price == null ? null : PriceSheets.toJson(price)));
    });
  }

  /** Shared state that cannot be reached. */
  private static final class FailingCounters implements LimitCounters {
    @Override
    public Future<LimitCounter.Outcome> reserve(String key, LimitWindow window, long amount, long limit, boolean hard,
        boolean requireSeed) {
      return Future.failedFuture(new java.util.concurrent.TimeoutException("unreachable"));
    }

    @Override
    public Future<Void> adjust(String key, LimitWindow window, long bucket, long delta) {
      return Future.failedFuture("unreachable");
    }

    @Override
    public Future<Boolean> seed(String key, LimitWindow window, Map<Long, Long> amounts) {
      return Future.failedFuture("unreachable");
    }

    @Override
    public Future<Long> used(String key, LimitWindow window) {
      return Future.failedFuture("unreachable");
    }
  }
}
