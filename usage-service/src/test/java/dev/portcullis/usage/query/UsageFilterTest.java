package dev.portcullis.usage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Query parameters read strictly into a filter, with no database. */
class UsageFilterTest {

  private static UsageFilter parse(String query) {
    return UsageFilter.from(RequestParameters.parse(query, UsageFilter.PARAMETERS));
  }

  @Test
  void everyParameterIsRead() {
    UsageFilter filter = parse("from=2026-12-01&to=2027-01-01T12:30:00Z&llmProxyId=0b7c1f5e-2a4d-4c11-9f00-1a2b3c4d5e6f"
        + "&virtualKeyId=vk_1.a:b-c&provider=azure-openai&model=anthropic%2Fclaude+3%C3%A9");
    assertThat(filter).isEqualTo(new UsageFilter(Instant.parse("2026-12-01T00:00:00Z"),
        Instant.parse("2027-01-01T12:30:00Z"), "0b7c1f5e-2a4d-4c11-9f00-1a2b3c4d5e6f", "vk_1.a:b-c", null,
        "azure-openai", "anthropic/claude 3\u00e9"));
    assertThat(parse("")).isEqualTo(UsageFilter.all());
    assertThat(parse("oauthClientId=pc-oc-abc").oauthClientId()).isEqualTo("pc-oc-abc");
    assertThat(parse("from=2026-12-01T02:00:00%2B02:00").from()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z"));
  }

  @Test
  void theConditionBindsEveryValue() {
    UsageFilter filter = parse("from=2026-12-01&to=2026-12-02&llmProxyId=p&virtualKeyId=vk&provider=openai&model=m'--");
    Tuple arguments = Tuple.tuple();
    String where = filter.where(arguments);
    assertThat(where).isEqualTo("time_ms >= ? AND time_ms < ? AND llm_proxy_id = ? AND caller_kind = ? AND caller_id = ?"
        + " AND provider = ? AND COALESCE(answered_model, requested_model) = ?");
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < arguments.size(); i++) {
      values.add(arguments.getValue(i));
    }
    assertThat(values).containsExactly(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli(),
        Instant.parse("2026-12-02T00:00:00Z").toEpochMilli(), "p", "virtual_key", "vk", "openai", "m'--");
    assertThat(UsageFilter.all().where(Tuple.tuple())).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', textBlock = """
      from=notadate                              | from | from must be an ISO-8601 instant (2026-12-01T00:00:00Z) or date (2026-12-01), not 'notadate'
      from=2026-12-01T00:00:00                   | from | from must be an ISO-8601 instant
      from=2026-02-30                            | from | from must be an ISO-8601 instant
      from=1969-12-31T23:59:59Z                  | from | from must lie between 1970-01-01 and 9999-12-31, not '1969-12-31T23:59:59Z'
      to=%2B10000-01-01                          | to   | to must lie between 1970-01-01 and 9999-12-31
      to=%2B999999999-12-31T23:59:59Z            | to   | to must lie between 1970-01-01 and 9999-12-31
      to=%2B1000000000-01-01T00:00:00Z           | to   | to must be an ISO-8601 instant
      to=99999999999999999999999999              | to   | to must be an ISO-8601 instant
      from=2026-12-02&to=2026-12-01              | from | from (2026-12-02T00:00:00Z) is after to (2026-12-01T00:00:00Z)
      from=                                      | from | from is empty; leave it out to match any
      virtualKeyId=1'+OR+'1'%3D'1                | virtualKeyId | virtualKeyId may hold only letters, digits and . _ : -, not '1' OR '1'='1'
      llmProxyId=p%3BDROP+TABLE+usage_records    | llmProxyId | llmProxyId may hold only letters, digits and . _ : -
      oauthClientId=-leading-dash                | oauthClientId | oauthClientId may hold only letters, digits
      provider=OpenAI                            | provider | provider may hold only lowercase letters, digits and . _ -, not 'OpenAI'
      model=a%0Ab                                | model | model may not hold control characters
      virtualKeyId=a&oauthClientId=b             | oauthClientId | Give virtualKeyId or oauthClientId, not both
      """)
  void badValuesAreRefusedNamingTheParameter(String query, String parameter, String message) {
    assertThatThrownBy(() -> parse(query)).isInstanceOfSatisfying(UsageRequestException.class, refused -> {
      assertThat(refused.parameter()).isEqualTo(parameter);
      assertThat(refused.getMessage()).startsWith(message);
    });
  }

  @Test
  void idsAndModelsHaveLengthBounds() {
    assertThat(parse("llmProxyId=" + "p".repeat(64)).llmProxyId()).hasSize(64);
    assertThatThrownBy(() -> parse("llmProxyId=" + "p".repeat(65)))
        .hasMessage("llmProxyId is longer than 64 characters");
    assertThat(parse("virtualKeyId=" + "v".repeat(128)).virtualKeyId()).hasSize(128);
    assertThatThrownBy(() -> parse("virtualKeyId=" + "v".repeat(129)))
        .hasMessage("virtualKeyId is longer than 128 characters");
    assertThat(parse("model=" + "m".repeat(256)).model()).hasSize(256);
    assertThatThrownBy(() -> parse("model=" + "m".repeat(257))).hasMessage("model is longer than 256 characters");
  }
}
