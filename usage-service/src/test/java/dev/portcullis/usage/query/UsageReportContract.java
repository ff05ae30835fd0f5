package dev.portcullis.usage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** What the usage report answers, on H2 and on PostgreSQL. */
abstract class UsageReportContract extends LedgerTest {

  private UsageReport.Result run(String query, Grouping by) {
    return new UsageReport(sql, UsageReport.MAX_GROUPS).run(filter(query), by).await();
  }

  private static UsageFilter filter(String query) {
    return UsageFilter.from(RequestParameters.parse(query, UsageFilter.PARAMETERS));
  }

  private static Map<String, UsageTotals> groups(UsageReport.Result result) {
    Map<String, UsageTotals> groups = new LinkedHashMap<>();
    result.groups().forEach(group -> groups.put(group.group(), group.totals()));
    return groups;
  }

  private static Map<String, Long> calls(UsageReport.Result result) {
    Map<String, Long> calls = new LinkedHashMap<>();
    result.groups().forEach(group -> calls.put(group.group(), group.totals().calls()));
    return calls;
  }

  @Test
  void theIssuesExampleByModelHasExactlyItsShape() {
    insert(rec("a").tokens(4L, 10L).cost("0.000008"),
        rec("b").tokens(4L, 10L).cost("0.000009"),
        rec("c").tokens(4L, 20L).cost("0.000009"));

    String fields = "\"calls\":3,\"inputTokens\":12,\"outputTokens\":40,\"cachedInputTokens\":0,"
        + "\"cacheWriteTokens\":0,\"reasoningTokens\":0,\"costUsd\":0.000026,\"unpricedCalls\":0";
    assertThat(run("", Grouping.MODEL).toJson()).isEqualTo(
        "{\"data\":[{\"group\":\"openai:gpt-4o-mini\"," + fields + "}],\"total\":{" + fields + "}}");
  }

  @Test
  void costsAreSummedAsExactDecimals() {
    insert(rec("a").cost("0.000008666666"), rec("b").cost("0.000008666666"), rec("c").cost("0.000008666666"));
    UsageReport.Result result = run("", Grouping.PROVIDER);
    assertThat(result.total().costUsd()).isEqualByComparingTo("0.000025999998");
    assertThat(result.toJson()).contains("\"costUsd\":0.000025999998");

    insert(rec("big").provider("anthropic").cost("999999999999.999999999999"),
        rec("tiny").provider("anthropic").cost("0.000000000001"));
    result = run("", Grouping.PROVIDER);
    assertThat(groups(result).get("anthropic").costUsd().toPlainString()).isEqualTo("1000000000000");
    // Plain digits in JSON, never 1E+12.
    assertThat(result.toJson()).contains("{\"group\":\"anthropic\",\"calls\":2,")
        .contains("\"costUsd\":1000000000000,").contains("\"costUsd\":1000000000000.000025999998,");
  }

  @Test
  void unpricedCallsAreCountedAndNotPricedAtZero() {
    insert(rec("a").cost("0.5"), rec("b").cost(null), rec("c").cost("0.25"), rec("d").cost(null),
        rec("e").provider("vllm").cost(null));
    Map<String, UsageTotals> groups = groups(run("", Grouping.PROVIDER));
    assertThat(groups.get("openai").calls()).isEqualTo(4);
    assertThat(groups.get("openai").costUsd()).isEqualByComparingTo("0.75");
    assertThat(groups.get("openai").unpricedCalls()).isEqualTo(2);
    assertThat(groups.get("vllm").costUsd()).isEqualByComparingTo("0");
    assertThat(groups.get("vllm").unpricedCalls()).isEqualTo(1);
    assertThat(run("", Grouping.PROVIDER).toJson()).contains(
        "{\"group\":\"vllm\",\"calls\":1,\"inputTokens\":0,\"outputTokens\":0,\"cachedInputTokens\":0,"
            + "\"cacheWriteTokens\":0,\"reasoningTokens\":0,\"costUsd\":0,\"unpricedCalls\":1}");
  }

  @Test
  void tokenSumsCountWhatWasReported() {
    insert(rec("a").tokens(5L, 50L).detail(1L, 2L, 3L),
        rec("b").tokens(null, null).detail(null, null, null),
        rec("c").tokens(7L, 70L).detail(10L, null, 30L));
    UsageTotals total = run("", null).total();
    assertThat(total).isEqualTo(new UsageTotals(3, 12, 120, 11, 2, 33, BigDecimal.ZERO, 3));
  }

  @Test
  void byKeyLabelsEachKindOfCaller() {
    insert(rec("a").caller("virtual_key", "vk-1"), rec("b").caller("virtual_key", "vk-1"),
        rec("c").caller("oauth_client", "oc-1"), rec("d").caller("passthrough", "3f2a9c"),
        rec("e").caller("server_identity", null), rec("f").caller("none", null));
    assertThat(calls(run("", Grouping.KEY))).containsExactly(
        Map.entry("none", 1L), Map.entry("oauth_client:oc-1", 1L), Map.entry("passthrough:3f2a9c", 1L),
        Map.entry("server_identity", 1L), Map.entry("virtual_key:vk-1", 2L));
  }

  @Test
  void byModelIsTheProviderAndTheModelThatAnsweredElseTheOneAskedFor() {
    insert(rec("a").models("gpt-4o-mini", "gpt-4o-mini-2024-07-18"), rec("b").models("gpt-4o-mini", null),
        rec("c").provider("anthropic").models("claude-x", null), rec("d").provider("groq").models(null, null),
        rec("e").models("gpt-4o", "gpt-4o-mini"));
    assertThat(calls(run("", Grouping.MODEL))).containsExactly(
        Map.entry("anthropic:claude-x", 1L), Map.entry("groq:", 1L), Map.entry("openai:gpt-4o-mini", 2L),
        Map.entry("openai:gpt-4o-mini-2024-07-18", 1L));
  }

  @Test
  void byProviderAndByProxy() {
    insert(rec("a").provider("openai").proxy("p-2"), rec("b").provider("anthropic").proxy("p-1"),
        rec("c").provider("openai").proxy(null), rec("d").provider("gemini").proxy("p-1"));
    assertThat(calls(run("", Grouping.PROVIDER))).containsExactly(
        Map.entry("anthropic", 1L), Map.entry("gemini", 1L), Map.entry("openai", 2L));
    assertThat(calls(run("", Grouping.PROXY))).containsExactly(
        Map.entry("none", 1L), Map.entry("p-1", 2L), Map.entry("p-2", 1L));
  }

  @Test
  void byDayAndByHourAreUtcBucketsInTimeOrder() {
    insert(rec("a").at("2026-12-01T23:59:59.999Z"), rec("b").at("2026-12-02T00:00:00Z"),
        rec("c").at("2026-12-02T09:00:00Z"), rec("d").at("2026-12-02T09:59:59.999Z"),
        rec("e").at("2026-12-02T10:00:00Z"), rec("f").at("2026-11-30T12:00:00Z"),
        rec("g").at("1999-01-01T00:30:00Z"));
    assertThat(calls(run("", Grouping.DAY))).containsExactly(
        Map.entry("1999-01-01", 1L), Map.entry("2026-11-30", 1L), Map.entry("2026-12-01", 1L),
        Map.entry("2026-12-02", 4L));
    assertThat(calls(run("", Grouping.HOUR))).containsExactly(
        Map.entry("1999-01-01T00:00Z", 1L), Map.entry("2026-11-30T12:00Z", 1L), Map.entry("2026-12-01T23:00Z", 1L),
        Map.entry("2026-12-02T00:00Z", 1L), Map.entry("2026-12-02T09:00Z", 2L), Map.entry("2026-12-02T10:00Z", 1L));
  }

  @Test
  void theTotalAddsUpTheGroups() {
    insert(rec("a").provider("openai").tokens(1L, 2L).cost("0.1"), rec("b").provider("anthropic").tokens(3L, 4L),
        rec("c").provider("gemini").tokens(5L, 6L).cost("0.000000000007"));
    UsageReport.Result grouped = run("", Grouping.PROVIDER);
    UsageReport.Result total = run("", null);
    assertThat(grouped.total()).isEqualTo(total.total())
        .isEqualTo(new UsageTotals(3, 9, 12, 0, 0, 0, new BigDecimal("0.100000000007"), 1));
    assertThat(total.toJson()).startsWith("{\"total\":{\"calls\":3,").doesNotContain("data");
  }

  @Test
  void anEmptyLedgerAnswersZeros() {
    assertThat(run("", Grouping.DAY).toJson()).isEqualTo("{\"data\":[],\"total\":{\"calls\":0,\"inputTokens\":0,"
        + "\"outputTokens\":0,\"cachedInputTokens\":0,\"cacheWriteTokens\":0,\"reasoningTokens\":0,\"costUsd\":0,"
        + "\"unpricedCalls\":0}}");
    assertThat(run("", null).total()).isEqualTo(UsageTotals.ZERO);
  }

  /**
   * Records whose input tokens are distinct powers of two: the sum a filter reports says exactly
   * which records it matched.
   */
  private void insertFilterFixture() {
    insert(
        rec("r0").tokens(1L, null).at("2026-12-01T00:00:00Z").proxy("p-1").caller("virtual_key", "vk-1").provider("openai")
            .models("gpt-4o", "gpt-4o-2024-08-06"),
        rec("r1").tokens(2L, null).at("2026-11-30T23:59:59.999Z").proxy("p-1").caller("virtual_key", "vk-2").provider("openai")
            .models("gpt-4o", null),
        rec("r2").tokens(4L, null).at("2026-12-15T12:00:00Z").proxy("p-2").caller("oauth_client", "oc-1").provider("anthropic")
            .models("claude-x", "claude-x-2026"),
        rec("r3").tokens(8L, null).at("2026-12-31T23:59:59.999Z").proxy(null).caller("passthrough", "vk-1").provider("openai")
            .models("gpt-4o", null),
        rec("r4").tokens(16L, null).at("2027-01-01T00:00:00Z").proxy("p-2").caller("oauth_client", "vk-1").provider("openai-compat")
            .models("gpt-4o", null),
        rec("r5").tokens(32L, null).at("2026-12-10T08:00:00Z").proxy("p-1").caller("virtual_key", "oc-1").provider("anthropic")
            .models(null, "gpt-4o"),
        rec("r6").tokens(64L, null).at("2026-12-20T00:00:00Z").proxy("p-2").caller("server_identity", null).provider("openai")
            .models("gpt-4o", "gpt-4o"));
  }

  private TreeSet<String> matched(String query) {
    long mask = run(query, null).total().inputTokens();
    return IntStream.range(0, 7).filter(i -> (mask & (1L << i)) != 0).mapToObj(i -> "r" + i)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void eachFilterAlone() {
    insertFilterFixture();
    assertThat(matched("")).containsExactly("r0", "r1", "r2", "r3", "r4", "r5", "r6");
    // from is inclusive, to exclusive; a date is that day's start in UTC.
    assertThat(matched("from=2026-12-01T00:00:00Z")).containsExactly("r0", "r2", "r3", "r4", "r5", "r6");
    assertThat(matched("from=2026-12-01")).isEqualTo(matched("from=2026-12-01T00:00:00Z"));
    assertThat(matched("from=2026-12-01T01:00:00%2B01:00")).isEqualTo(matched("from=2026-12-01"));
    assertThat(matched("to=2027-01-01T00:00:00Z")).containsExactly("r0", "r1", "r2", "r3", "r5", "r6");
    assertThat(matched("to=2026-12-01")).containsExactly("r1");
    assertThat(matched("from=2026-12-01&to=2026-12-01")).isEmpty();
    assertThat(matched("llmProxyId=p-1")).containsExactly("r0", "r1", "r5");
    // A caller filter names its kind: a passthrough hash or an OAuth client that happens to share the id is not the key.
    assertThat(matched("virtualKeyId=vk-1")).containsExactly("r0");
    assertThat(matched("oauthClientId=oc-1")).containsExactly("r2");
    assertThat(matched("oauthClientId=vk-1")).containsExactly("r4");
    assertThat(matched("provider=openai")).containsExactly("r0", "r1", "r3", "r6");
    assertThat(matched("provider=anthropic")).containsExactly("r2", "r5");
    // The model that answered when known, else the one asked for.
    assertThat(matched("model=gpt-4o")).containsExactly("r1", "r3", "r4", "r5", "r6");
    assertThat(matched("model=gpt-4o-2024-08-06")).containsExactly("r0");
    assertThat(matched("model=claude-x")).isEmpty();
    assertThat(matched("model=claude-x-2026")).containsExactly("r2");
  }

  @Test
  void filtersCombine() {
    insertFilterFixture();
    assertThat(matched("from=2026-12-01&to=2027-01-01&provider=openai")).containsExactly("r0", "r3", "r6");
    assertThat(matched("from=2026-12-01&to=2027-01-01&provider=openai&model=gpt-4o")).containsExactly("r3", "r6");
    assertThat(matched("llmProxyId=p-2&provider=openai&model=gpt-4o")).containsExactly("r6");
    assertThat(matched("llmProxyId=p-1&virtualKeyId=oc-1&provider=anthropic&model=gpt-4o&from=2026-12-10T08:00:00Z"
        + "&to=2026-12-10T08:00:00.001Z")).containsExactly("r5");
    assertThat(matched("llmProxyId=p-1&oauthClientId=oc-1")).isEmpty();
  }

  @Test
  void filterValuesAreBoundNeverWrittenIntoTheStatement() {
    insertFilterFixture();
    String model = "x'; DROP TABLE usage_records; --";
    assertThat(matched("model=" + java.net.URLEncoder.encode(model, java.nio.charset.StandardCharsets.UTF_8)
        + "&provider=openai&from=2026-12-01")).isEmpty();
    assertThat(statements).isNotEmpty().allSatisfy(statement -> assertThat(statement)
        .doesNotContain("DROP").doesNotContain("openai").doesNotContain("x'").doesNotContain("2026"));
    assertThat(count()).isEqualTo(7);
  }

  @Test
  void moreGroupsThanTheBoundIsRefusedAskingToNarrowTheFilter() {
    insert(rec("a").provider("openai"), rec("b").provider("anthropic"), rec("c").provider("gemini"));
    UsageReport bounded = new UsageReport(sql, 3);
    assertThat(bounded.run(UsageFilter.all(), Grouping.PROVIDER).await().groups()).hasSize(3);

    insert(rec("d").provider("groq"));
    assertThatThrownBy(() -> bounded.run(UsageFilter.all(), Grouping.PROVIDER).await())
        .isInstanceOf(UsageRequestException.class)
        .hasMessage("More than 3 groups by provider match; narrow from and to, add a filter or group by something"
            + " coarser");
    // Only one more group than allowed is ever read.
    assertThat(statements.get(statements.size() - 1)).endsWith("LIMIT 4");
  }

  @Test
  void aDatabaseFailureIsAStoreFailure() {
    assertThatThrownBy(() -> new UsageReport(LedgerTest::failing, 10).run(UsageFilter.all(), Grouping.DAY).await())
        .isInstanceOf(UsageStoreException.class)
        .hasMessage("The usage ledger's database is unavailable; try again later");
  }
}
