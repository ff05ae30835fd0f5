package dev.portcullis.policy.sensitive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class StreamingRedactorTest {

  private static final SensitiveScanner ALL = new SensitiveScanner(Detectors.defaults().all());

  private static String stream(List<String> chunks) {
    StreamingRedactor redactor = new StreamingRedactor(ALL);
    StringBuilder out = new StringBuilder();
    for (String chunk : chunks) {
      out.append(redactor.accept(chunk));
    }
    return out.append(redactor.finish()).toString();
  }

  @Test
  void findingsSplitAtEveryPointAreStillRedacted() {
    List<String> secrets = List.of(Samples.AWS_KEY_ID, "aws_secret_access_key=" + Samples.AWS_SECRET, Samples.OPENAI,
        Samples.ANTHROPIC, Samples.GOOGLE, Samples.GITHUB_FINE, Samples.SLACK, Samples.EMAIL, Samples.CARD,
        Samples.IBAN, Samples.PHONE, Samples.jwt(), Samples.pem("\\n"));
    for (String secret : secrets) {
      String text = "before « " + secret + " » after";
      String expected = ALL.redact(text);
      assertThat(expected).contains("[REDACTED:");
      for (int i = 0; i <= text.length(); i++) {
        assertThat(stream(List.of(text.substring(0, i), text.substring(i))))
            .as("%s split at %d", secret, i).isEqualTo(expected);
      }
      List<String> oneByOne = text.chars().mapToObj(c -> String.valueOf((char) c)).toList();
      assertThat(stream(oneByOne)).as("%s char by char", secret).isEqualTo(expected);
    }
  }

  @Test
  void textWithoutFindingsIsReleasedAllButTheLookBehind() {
    StreamingRedactor redactor = new StreamingRedactor(ALL);
    String sentence = "The quick brown fox jumps over the lazy dog, twice; and then 42 more times. ";
    StringBuilder in = new StringBuilder();
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      in.append(sentence);
      out.append(redactor.accept(sentence));
      assertThat(redactor.held()).isEqualTo(Math.min(in.length(), StreamingRedactor.LOOK_BEHIND));
      assertThat(out.length()).isEqualTo(in.length() - redactor.held());
    }
    out.append(redactor.finish());
    assertThat(out.toString()).isEqualTo(in.toString());
    assertThat(redactor.held()).isZero();
  }

  @Test
  void aFindingNearTheEndIsHeldWholeUntilItCannotGrow() {
    StreamingRedactor redactor = new StreamingRedactor(ALL);
    String prose = "x".repeat(1000) + " ";
    assertThat(redactor.accept(prose + Samples.CARD)).isEqualTo(prose.substring(0, prose.length() - 320 + Samples.CARD.length()));
    // The card stays held while it could still grow ("4111 1111 1111 1111 1" is no card).
    assertThat(redactor.accept(" 1")).isEqualTo("xx");
    assertThat(redactor.accept("x".repeat(400))).isEqualTo("x".repeat(298) + " " + Samples.CARD + " 1" + "x".repeat(80));
    assertThat(redactor.held()).isEqualTo(320);
  }

  @Test
  void aPrivateKeyLongerThanTheBoundIsRedactedAndItsRestDropped() {
    List<Finding> findings = new ArrayList<>();
    StreamingRedactor redactor = new StreamingRedactor(ALL, findings::add);
    String line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2\n";
    StringBuilder out = new StringBuilder(redactor.accept("here: -----BEGIN OPENSSH PRIVATE KEY-----\n"));
    int maxHeld = 0;
    for (int i = 0; i < 400; i++) { // about 26,000 characters of key
      out.append(redactor.accept(line));
      maxHeld = Math.max(maxHeld, redactor.held());
    }
    out.append(redactor.accept("-----END OPENSSH PRIV"));
    out.append(redactor.accept("ATE KEY-----\nthe end"));
    out.append(redactor.finish());
    assertThat(maxHeld).isLessThanOrEqualTo(StreamingRedactor.LONG_MATCH_BOUND + line.length());
    assertThat(out.toString()).isEqualTo("here: [REDACTED:private-key]\nthe end");
    assertThat(findings).extracting(Finding::detector).containsExactly("private-key");
    assertThat(findings.get(0).start()).isEqualTo("here: ".length());
  }

  @Test
  void aJwtLongerThanTheBoundIsRedactedAndItsRestDropped() {
    String payload = Samples.b64("{\"claims\":\"" + "c".repeat(12_000) + "\"}");
    String jwt = Samples.jwt().replaceFirst("\\.[^.]+\\.", "." + payload + ".");
    String text = "token=" + jwt + " and more";
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < text.length(); i += 50) {
      chunks.add(text.substring(i, Math.min(text.length(), i + 50)));
    }
    assertThat(stream(chunks)).isEqualTo("token=[REDACTED:jwt] and more").isEqualTo(ALL.redact(text));
  }

  @Test
  void aPrivateKeyWithinTheBoundIsRedactedWhole() {
    String pem = Samples.pem("\n");
    List<String> chunks = new ArrayList<>();
    String text = "a " + pem + "\nb";
    for (int i = 0; i < text.length(); i += 7) {
      chunks.add(text.substring(i, Math.min(text.length(), i + 7)));
    }
    assertThat(stream(chunks)).isEqualTo("a [REDACTED:private-key]\nb");
  }

  @Test
  void findingsAreReportedWithTheirPlaceInTheStream() {
    List<Finding> findings = new ArrayList<>();
    StreamingRedactor redactor = new StreamingRedactor(ALL, findings::add);
    String text = "y".repeat(500) + " " + Samples.EMAIL + " " + "z".repeat(700) + " " + Samples.IBAN + ".";
    for (int i = 0; i < text.length(); i += 13) {
      redactor.accept(text.substring(i, Math.min(text.length(), i + 13)));
    }
    redactor.finish();
    assertThat(findings).containsExactly(
        new Finding("email", 501, 501 + Samples.EMAIL.length()),
        new Finding("iban", text.length() - 1 - Samples.IBAN.length(), text.length() - 1));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void aMegabyteOfRandomTextPassesThrough() {
    Random random = new Random(15);
    String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     .,;:-_+@/=\n\"'éü漢🙂";
    StringBuilder in = new StringBuilder(1_000_000);
    while (in.length() < 1_000_000) {
      in.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    String text = in.toString();
    List<String> chunks = new ArrayList<>();
    for (int i = 0; i < text.length(); ) {
      int n = Math.min(text.length() - i, 1 + random.nextInt(64));
      chunks.add(text.substring(i, i + n));
      i += n;
    }
    assertThat(stream(chunks)).isEqualTo(ALL.redact(text));
  }
}
