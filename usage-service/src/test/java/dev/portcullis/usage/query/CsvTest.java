package dev.portcullis.usage.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsvTest {

  private static String field(String text) {
    StringBuilder out = new StringBuilder();
    Csv.appendText(out, text);
    return out.toString();
  }

  @Test
  void fieldsWithSeparatorsQuotesOrLineBreaksAreQuoted() {
    assertThat(field("gpt-4o-mini")).isEqualTo("gpt-4o-mini");
    assertThat(field("")).isEqualTo("");
    assertThat(field("a,b")).isEqualTo("\"a,b\"");
    assertThat(field("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
    assertThat(field("line1\nline2")).isEqualTo("\"line1\nline2\"");
    assertThat(field("cr\rlf")).isEqualTo("\"cr\rlf\"");
  }

  @Test
  void textThatCouldStartAFormulaIsNeutralised() {
    assertThat(field("=1+2")).isEqualTo("'=1+2");
    assertThat(field("+1")).isEqualTo("'+1");
    assertThat(field("-2+3")).isEqualTo("'-2+3");
    assertThat(field("@SUM(A1)")).isEqualTo("'@SUM(A1)");
    assertThat(field("\tcmd")).isEqualTo("'\tcmd");
    assertThat(field("\r=1")).isEqualTo("\"'\r=1\"");
    assertThat(field("=HYPERLINK(\"http://x\",\"y\")")).isEqualTo("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    // Only the first character matters.
    assertThat(field("a=b")).isEqualTo("a=b");
    assertThat(field("gpt-4o")).isEqualTo("gpt-4o");
  }
}
