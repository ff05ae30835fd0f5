package dev.portcullis.policy.sensitive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SensitiveScannerTest {

  private static final SensitiveScanner ALL = new SensitiveScanner(Detectors.defaults().all());

  @Test
  void overlappingFindingsMergeIntoOneSpanNamedAfterTheFirst() {
    assertThat(SensitiveScanner.merge(List.of(new Finding("a", 0, 10), new Finding("b", 5, 15),
        new Finding("c", 15, 20), new Finding("d", 16, 18))))
        .containsExactly(new Finding("a", 0, 15), new Finding("c", 15, 20));
  }

  @Test
  void aCardNumberInsideAnEmailIsOneEmailFinding() {
    String text = "from 4111111111111111@example.com";
    assertThat(ALL.scan(text)).containsExactly(new Finding("email", 5, text.length()));
    assertThat(ALL.redact(text)).isEqualTo("from [REDACTED:email]");
  }

  @Test
  void eachFindingIsReplacedByItsTypedPlaceholder() {
    String text = "key " + Samples.OPENAI + ", mail " + Samples.EMAIL + ", iban " + Samples.IBAN + ", id "
        + Samples.AWS_KEY_ID + ", card " + Samples.CARD + ", tel " + Samples.PHONE + ", tok " + Samples.jwt();
    assertThat(ALL.redact(text)).isEqualTo("key [REDACTED:provider-api-key], mail [REDACTED:email], "
        + "iban [REDACTED:iban], id [REDACTED:aws-access-key], card [REDACTED:card-number], "
        + "tel [REDACTED:phone], tok [REDACTED:jwt]");
  }

  @Test
  void aRedactionLeavesNoPrefixOrSuffixOfTheSecret() {
    List<String> secrets = List.of(Samples.AWS_KEY_ID, Samples.AWS_SECRET, Samples.OPENAI, Samples.ANTHROPIC,
        Samples.GOOGLE, Samples.GROQ, Samples.XAI, Samples.HUGGING_FACE, Samples.GITHUB, Samples.GITHUB_FINE,
        Samples.SLACK, Samples.STRIPE, Samples.jwt(), Samples.pem("\n"));
    for (String secret : secrets) {
      String text = "«aws_secret_access_key: " + secret + "»";
      String redacted = ALL.redact(text);
      assertThat(redacted).as(secret).contains("[REDACTED:")
          .doesNotContain(secret.substring(0, 6)).doesNotContain(secret.substring(secret.length() - 6))
          .startsWith("«aws_secret_access_key: ").endsWith("]»");
    }
  }

  @Test
  void aScannerRunsOnlyTheChosenDetectors() {
    SensitiveScanner secretsOnly = new SensitiveScanner(Detectors.defaults().get(List.of("jwt", "provider-api-key")));
    String text = Samples.EMAIL + " " + Samples.OPENAI;
    assertThat(secretsOnly.redact(text)).isEqualTo(Samples.EMAIL + " [REDACTED:provider-api-key]");
  }

  @Test
  void textWithoutFindingsIsUnchanged() {
    String text = "Plain prose — with ünïcödé, numbers 12 345 and sk- words. 🙂";
    assertThat(ALL.scan(text)).isEmpty();
    assertThat(ALL.redact(text)).isEqualTo(text);
  }
}
