package dev.portcullis.app.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** No query value survives into a span, whatever its parameter is called. */
class QueryRedactionTest {

  @Test
  void everyQueryValueIsReplacedAndNamesAreKept() {
    assertThat(QueryRedaction.url("https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent"
        + "?alt=sse&key=AIzaSecret")).isEqualTo(
            "https://generativelanguage.googleapis.com/v1beta/models/g:streamGenerateContent?alt=REDACTED&key=REDACTED");
    assertThat(QueryRedaction.query("%6Bey=AIzaSecret&&api-version=2024-02-01&bare"))
        .isEqualTo("%6Bey=REDACTED&&api-version=REDACTED&REDACTED");
  }

  @Test
  void aUrlWithoutAQueryIsLeftAloneAndAFragmentIsDropped() {
    assertThat(QueryRedaction.url("https://api.openai.com/v1/chat/completions"))
        .isEqualTo("https://api.openai.com/v1/chat/completions");
    assertThat(QueryRedaction.url("https://host/p?k=v#secret")).isEqualTo("https://host/p?k=REDACTED");
  }
}
