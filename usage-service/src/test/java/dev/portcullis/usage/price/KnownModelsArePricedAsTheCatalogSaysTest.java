package dev.portcullis.usage.price;

import dev.portcullis.common.price.TokenCounts;
import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Real models, priced through Portcullis' provider names and model ids, against the numbers in
 * {@code config/prices/genai-prices.json} (0.1.8), each expectation worked out by hand from them.
 */
class KnownModelsArePricedAsTheCatalogSaysTest {

  private static final long NOW = Instant.parse("2026-12-02T12:00:00Z").toEpochMilli();
  private static PriceBook book;

  @BeforeAll
  static void load() {
    book = new PriceBook(CatalogReader.bundled(), null, null);
  }

  private static BigDecimal cost(String provider, String model, TokenCounts counts) {
    Priced priced = book.price(provider, model, counts, NOW);
    assertThat(priced.source()).as(provider + " " + model).isEqualTo(Priced.Source.CATALOG);
    return priced.costUsd();
  }

  private static TokenCounts counts(long input, long output, long cached, long cacheWrite, long reasoning) {
    return new TokenCounts(input, output, cached, cacheWrite, reasoning);
  }

  @Test
  void gpt4o() {
    // input 2.5, cache_read 1.25, output 10 per million: 600 uncached, 400 cached in; 500 out.
    // 600 * 2.5 + 400 * 1.25 + 500 * 10 = 1500 + 500 + 5000 = 7000 per million.
    assertThat(cost("openai", "gpt-4o", counts(1000, 500, 400, -1, -1))).isEqualByComparingTo("0.007");
    // A dated snapshot is listed under gpt-4o.
    assertThat(cost("openai", "gpt-4o-2024-08-06", counts(1000, 1000, -1, -1, -1)))
        .isEqualByComparingTo("0.0125");
  }

  @Test
  void gpt4oMiniWithReasoningTokensBilledAsOutput() {
    // input 0.15, output 0.6; no reasoning price, so the 300 reasoning tokens are output tokens.
    assertThat(cost("openai", "gpt-4o-mini", counts(1_000_000, 1_000_000, 0, 0, 300)))
        .isEqualByComparingTo("0.75");
  }

  @Test
  void claudeSonnet45BelowAndAboveItsTier() {
    // Below 200k: input 3, cache write 3.75, cache read 0.3, output 15.
    // 5000 * 3 + 2000 * 0.3 + 3000 * 3.75 + 1000 * 15 = 15000 + 600 + 11250 + 15000 = 41850.
    assertThat(cost("anthropic", "claude-sonnet-4-5-20250929", counts(10_000, 1000, 2000, 3000, -1)))
        .isEqualByComparingTo("0.04185");
    // 300k input in all: every token at the tier's price (6, read 0.6, output 22.5).
    // 200000 * 6 + 100000 * 0.6 + 1000 * 22.5 = 1200000 + 60000 + 22500 = 1282500.
    assertThat(cost("anthropic", "claude-sonnet-4-5-20250929", counts(300_000, 1000, 100_000, 0, -1)))
        .isEqualByComparingTo("1.2825");
  }

  @Test
  void claude35Sonnet() {
    // 3 / 15, cache write 3.75, cache read 0.3: the same 41850 as above.
    assertThat(cost("anthropic", "claude-3-5-sonnet-20241022", counts(10_000, 1000, 2000, 3000, -1)))
        .isEqualByComparingTo("0.04185");
  }

  @Test
  void gemini25ProTierStartsAbove200kInputTokens() {
    // 200000 input tokens is still the base: 200000 * 1.25 + 1000 * 10 = 260000.
    assertThat(cost("gemini", "gemini-2.5-pro", counts(200_000, 1000, -1, -1, -1))).isEqualByComparingTo("0.26");
    // One more: 200001 * 2.5 + 1000 * 15 = 515002.5.
    assertThat(cost("gemini", "gemini-2.5-pro", counts(200_001, 1000, -1, -1, -1)))
        .isEqualByComparingTo("0.5150025");
    // Gemini's own list spells it models/gemini-2.5-pro; cached: 200001 - 100000 at 2.5, 100000 at 0.25.
    // 100001 * 2.5 + 100000 * 0.25 + 1000 * 15 = 250002.5 + 25000 + 15000 = 290002.5.
    assertThat(cost("gemini", "models/gemini-2.5-pro", counts(200_001, 1000, 100_000, -1, -1)))
        .isEqualByComparingTo("0.2900025");
  }

  @Test
  void bedrockInferenceProfilesAndArns() {
    // us. profile of Claude 3.5 Sonnet (June): the regional price, 3 / 15 / 3.75 / 0.3 -> 41850.
    TokenCounts call = counts(10_000, 1000, 2000, 3000, -1);
    assertThat(cost("bedrock", "us.anthropic.claude-3-5-sonnet-20240620-v1:0", call))
        .isEqualByComparingTo("0.04185");
    assertThat(cost("bedrock",
        "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-5-sonnet-20240620-v1:0", call))
        .isEqualByComparingTo("0.04185");
    assertThat(cost("bedrock",
        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-5-sonnet-20240620-v1:0", call))
        .isEqualByComparingTo("0.04185");
    // Sonnet 4.5: a regional profile (eu.) costs 3.3 per million input, the global one 3.
    TokenCounts million = counts(1_000_000, 0, -1, -1, -1);
    assertThat(cost("bedrock", "eu.anthropic.claude-sonnet-4-5-20250929-v1:0", million)).isEqualByComparingTo("3.3");
    assertThat(cost("bedrock", "global.anthropic.claude-sonnet-4-5-20250929-v1:0", million))
        .isEqualByComparingTo("3");
    // Nova Pro: 0.8 in, 3.2 out.
    assertThat(cost("bedrock", "amazon.nova-pro-v1:0", counts(1_000_000, 1_000_000, -1, -1, -1)))
        .isEqualByComparingTo("4");
  }

  @Test
  void azureDeploymentsNamedAfterTheirModelFallBackToOpenAi() {
    // Azure lists no gpt-4o of its own: OpenAI's price (2.5 / 1.25 / 10), as above.
    Priced priced = book.price("azure", "gpt-4o", counts(1000, 500, 400, -1, -1), NOW);
    assertThat(priced.costUsd()).isEqualByComparingTo("0.007");
    assertThat(priced.catalogModel()).isEqualTo("gpt-4o");
    // Azure's own o1 entry: 15 per million input.
    assertThat(cost("azure", "o1", counts(1_000_000, 0, -1, -1, -1))).isEqualByComparingTo("15");
    // A deployment named otherwise is not guessed at.
    Priced deployment = book.price("azure", "prod-chat-deployment", counts(1000, 500, -1, -1, -1), NOW);
    assertThat(deployment.costUsd()).isNull();
    assertThat(deployment.modelKnown()).isFalse();
  }

  @Test
  void otherProvidersByTheirPortcullisNames() {
    // OpenRouter openai/gpt-4o: 2.5 / 10 -> 1000 * 2.5 + 500 * 10 = 7500.
    assertThat(cost("openrouter", "openai/gpt-4o", counts(1000, 500, -1, -1, -1))).isEqualByComparingTo("0.0075");
    // xAI grok-3: 3 / 15 -> 3000 + 15000.
    assertThat(cost("xai", "grok-3", counts(1000, 1000, -1, -1, -1))).isEqualByComparingTo("0.018");
    // Perplexity sonar: 1 / 1 and 12 per thousand requests -> 0.001 + 0.001 + 0.012.
    assertThat(cost("perplexity", "sonar", counts(1000, 1000, -1, -1, -1))).isEqualByComparingTo("0.014");
    // Perplexity deep research prices reasoning apart (3): 1000 * 2 + 400 * 8 + 600 * 3 = 7000.
    assertThat(cost("perplexity", "sonar-deep-research", counts(1000, 1000, -1, -1, 600)))
        .isEqualByComparingTo("0.007");
    // Zhipu AI through api.z.ai is genai-prices' zai: GLM-5.2, case aside.
    assertThat(book.price("zhipuai", "glm-5.2", counts(1000, 1000, -1, -1, -1), NOW).catalogModel())
        .isEqualTo("GLM-5.2");
  }

  @Test
  void unknownModelsAndUnpricedProvidersHaveNoCost() {
    TokenCounts call = counts(1000, 1000, -1, -1, -1);
    assertThat(book.price("openai", "no-such-model", call, NOW)).isEqualTo(
        new Priced(null, Priced.Source.NONE, "no-such-model", null));
    assertThat(book.price("ollama", "llama3.1:8b", call, NOW).costUsd()).isNull();
    assertThat(book.price("no-such-provider", "gpt-4o", call, NOW).costUsd()).isNull();
    assertThat(book.price("openai", null, call, NOW).costUsd()).isNull();
    assertThat(book.price("openai", "x".repeat(PricingProviders.MAX_MODEL_LENGTH + 1), call, NOW).costUsd()).isNull();
  }

  @Test
  void aPriceChangeDatedInTheCatalogAppliesFromItsDateOn() {
    // o3 cost 10 per million input until 2025-06-10, then 2.
    TokenCounts million = counts(1_000_000, 0, -1, -1, -1);
    long before = Instant.parse("2025-06-09T23:59:59Z").toEpochMilli();
    long after = Instant.parse("2025-06-10T00:00:00Z").toEpochMilli();
    assertThat(book.price("openai", "o3", million, before).costUsd()).isEqualByComparingTo("10");
    assertThat(book.price("openai", "o3", million, after).costUsd()).isEqualByComparingTo("2");
  }

  @Test
  void timeOfDayPricesFollowTheCallsUtcTime() {
    // deepseek-chat: 0.27 per million input from 00:30 to 16:30 UTC, 0.135 off-peak.
    CatalogModel chat = CatalogReader.bundled().find("deepseek", "deepseek-chat");
    assertThat(chat.prices().at(Instant.parse("2026-01-01T12:00:00Z")).inputPerMillion().base())
        .isEqualByComparingTo("0.27");
    assertThat(chat.prices().at(Instant.parse("2026-01-01T20:00:00Z")).inputPerMillion().base())
        .isEqualByComparingTo("0.135");
    assertThat(chat.prices().at(Instant.parse("2026-01-01T00:15:00Z")).inputPerMillion().base())
        .isEqualByComparingTo("0.135");
  }
}
