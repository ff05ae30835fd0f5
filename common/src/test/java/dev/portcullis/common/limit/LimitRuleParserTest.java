package dev.portcullis.common.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LimitRuleParserTest {

  @Test
  void reads_the_rule_of_the_issue_and_writes_it_back() {
    LimitRule rule = LimitRuleParser.parse(new JsonObject("""
        {"name":"app-rpm","appliesTo":{"virtualKeyId":"vk_1"},"models":["openai:*"],
         "requestsPerMinute":60,"tokensPerMinute":null,"concurrentStreams":null,
         "spendUsd":{"amount":200,"window":"month"},"mode":"hard"}"""));
    assertThat(rule.appliesTo()).isEqualTo(new LimitRule.Subject(LimitRule.Subject.Kind.VIRTUAL_KEY, "vk_1"));
    assertThat(rule.requestsPerMinute()).isEqualTo(60);
    assertThat(rule.spendUsd().nanoUsd()).isEqualTo(200_000_000_000L);
    assertThat(rule.coversModel("openai", "gpt-4o")).isTrue();
    assertThat(rule.coversModel("anthropic", "claude")).isFalse();
    LimitRule stored = rule.stored("lim_1", 3, "2026-12-02T00:00:00Z", "2026-12-02T00:00:00Z");
    assertThat(LimitRule.fromJson(stored.toJson())).isEqualTo(stored);
    assertThat(LimitMetric.SPEND.key(stored)).isEqualTo("limit/lim_1/spend/3/month");
  }

  @Test
  void organization_rules_cover_every_caller() {
    LimitRule rule = LimitRuleParser.parse(new JsonObject(
        "{\"name\":\"org\",\"appliesTo\":{\"organization\":true},\"spendUsd\":{\"amount\":0.5,\"window\":\"PT6H\"},"
            + "\"mode\":\"soft\"}"));
    assertThat(rule.appliesTo().covers(dev.portcullis.common.usage.UsageRecord.CallerKind.PASSTHROUGH, "x", null))
        .isTrue();
    assertThat(rule.spendUsd().amount()).isEqualByComparingTo(new BigDecimal("0.5"));
    assertThat(rule.hard()).isFalse();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "{\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":1}|name",
      "{\"name\":\"x\",\"requestsPerMinute\":1}|appliesTo",
      "{\"name\":\"x\",\"appliesTo\":{\"virtualKeyId\":\"a\",\"llmProxyId\":\"b\"},\"requestsPerMinute\":1}|appliesTo",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":false},\"requestsPerMinute\":1}|appliesTo.organization",
      "{\"name\":\"x\",\"appliesTo\":{\"team\":\"a\"},\"requestsPerMinute\":1}|appliesTo.team",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true}}|",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":0}|requestsPerMinute",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":-5}|requestsPerMinute",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":1.5}|requestsPerMinute",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":\"60\"}|requestsPerMinute",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"tokensPerMinute\":1e300}|tokensPerMinute",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"spendUsd\":{\"amount\":-1,\"window\":\"day\"}}|spendUsd.amount",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"spendUsd\":{\"amount\":1,\"window\":\"fortnight\"}}|spendUsd.window",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"spendUsd\":{\"amount\":1,\"window\":\"day\",\"x\":1}}|spendUsd.x",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":1,\"models\":[]}|models",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":1,\"models\":[\"gpt-4o\"]}|models[0]",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":1,\"mode\":\"strict\"}|mode",
      "{\"name\":\"x\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":1,\"limit\":5}|limit",
      "{\"name\":\"a\\u0000b\",\"appliesTo\":{\"organization\":true},\"requestsPerMinute\":1}|name"})
  void refuses_junk_naming_the_field(String body, String field) {
    assertThatThrownBy(() -> LimitRuleParser.parse(new JsonObject(body)))
        .isInstanceOfSatisfying(LimitRuleException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @Test
  void refuses_huge_names() {
    JsonObject body = new JsonObject().put("name", "n".repeat(10_000)).put("appliesTo",
        new JsonObject().put("organization", true)).put("requestsPerMinute", 1);
    assertThatThrownBy(() -> LimitRuleParser.parse(body)).isInstanceOf(LimitRuleException.class)
        .hasMessageContaining("at most 128");
  }
}
