package dev.portcullis.policy.sensitive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.auth.VirtualKeyFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DetectorsTest {

  private static final Detectors DETECTORS = Detectors.defaults();

  /** The spans (as text) a detector finds. */
  private static List<String> found(String detector, String text) {
    return DETECTORS.get(detector).find(text).stream().map(f -> text.substring(f.start(), f.end())).toList();
  }

  @Test
  void theAdminApiNamesAreKnown() {
    assertThat(DETECTORS.names()).containsExactly("aws-access-key", "private-key", "jwt", "provider-api-key",
        "virtual-key", "email", "card-number", "phone", "iban");
  }

  @Test
  void anUnknownNameIsRefusedWithTheKnownOnes() {
    assertThatThrownBy(() -> DETECTORS.get("ssn"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ssn'")
        .hasMessageContaining("aws-access-key, private-key, jwt, provider-api-key, virtual-key, email, card-number, phone, iban");
  }

  static Stream<Arguments> truePositives() {
    return Stream.of(
        Arguments.of("aws-access-key", "id " + Samples.AWS_KEY_ID + ".", Samples.AWS_KEY_ID),
        Arguments.of("aws-access-key", "ASIAY34FZKBOKMUTVV7A,", "ASIAY34FZKBOKMUTVV7A"),
        Arguments.of("aws-access-key", "aws_secret_access_key = " + Samples.AWS_SECRET + "\n", Samples.AWS_SECRET),
        Arguments.of("aws-access-key", "{\"SecretAccessKey\": \"" + Samples.AWS_SECRET + "\"}", Samples.AWS_SECRET),
        Arguments.of("aws-access-key", "AWS_SECRET_ACCESS_KEY=" + Samples.AWS_SECRET, Samples.AWS_SECRET),
        Arguments.of("jwt", "Bearer " + Samples.jwt() + " ok", Samples.jwt()),
        Arguments.of("provider-api-key", "key: " + Samples.OPENAI + "\n", Samples.OPENAI),
        Arguments.of("provider-api-key", "OPENAI_API_KEY=sk-" + "A1b2".repeat(12), "sk-" + "A1b2".repeat(12)),
        Arguments.of("provider-api-key", "\"" + Samples.ANTHROPIC + "\"", Samples.ANTHROPIC),
        Arguments.of("provider-api-key", "?key=" + Samples.GOOGLE + "&", Samples.GOOGLE),
        Arguments.of("provider-api-key", Samples.GROQ, Samples.GROQ),
        Arguments.of("provider-api-key", "x " + Samples.XAI, Samples.XAI),
        Arguments.of("provider-api-key", Samples.HUGGING_FACE + ".", Samples.HUGGING_FACE),
        Arguments.of("provider-api-key", "token " + Samples.GITHUB, Samples.GITHUB),
        Arguments.of("provider-api-key", Samples.GITHUB_FINE, Samples.GITHUB_FINE),
        Arguments.of("provider-api-key", Samples.SLACK, Samples.SLACK),
        Arguments.of("provider-api-key", "stripe " + Samples.STRIPE, Samples.STRIPE),
        Arguments.of("email", "write to " + Samples.EMAIL + ".", Samples.EMAIL),
        Arguments.of("email", "<a.b@sub.example.org>", "a.b@sub.example.org"),
        Arguments.of("email", "to='x_y@example.com'&", "x_y@example.com"),
        Arguments.of("email", "mailto=.bob@example.com.", "bob@example.com"),
        Arguments.of("card-number", "card " + Samples.CARD + ", exp 12/29", Samples.CARD),
        Arguments.of("card-number", "5555-5555-5555-4444", "5555-5555-5555-4444"),
        Arguments.of("card-number", "amex 378282246310005.", "378282246310005"),
        Arguments.of("phone", "call " + Samples.PHONE + " today", Samples.PHONE),
        Arguments.of("phone", "Zürich: +41 44 668 18 00.", "+41 44 668 18 00"),
        Arguments.of("iban", "IBAN " + Samples.IBAN + ".", Samples.IBAN),
        Arguments.of("iban", Samples.IBAN_COMPACT, Samples.IBAN_COMPACT));
  }

  @ParameterizedTest(name = "{0}: {2}")
  @MethodSource("truePositives")
  void findsExactlyTheSecret(String detector, String text, String secret) {
    assertThat(found(detector, text)).containsExactly(secret);
  }

  static Stream<Arguments> nearMisses() {
    return Stream.of(
        Arguments.of("aws-access-key", "AKIAIOSFODNN7EXAMPL and AKIAIOSFODNN7EXAMPLEX and akiaiosfodnn7example"),
        Arguments.of("aws-access-key", "a 40-char value alone: " + Samples.AWS_SECRET),
        Arguments.of("jwt", Samples.b64("not json at all") + "." + Samples.b64("{\"sub\":1}") + ".abc"),
        Arguments.of("jwt", Samples.b64("{\"typ\":\"JWT\"}") + "." + Samples.b64("{\"sub\":1}") + ".abc"),
        Arguments.of("jwt", "eyJ!!!.eyJ.abc and eyJhbGciOiJIUzI1NiJ9 without a dot"),
        Arguments.of("provider-api-key", "use sk-learn or the sk-ant- prefix; risk-free task-based sk-something-long-words"),
        Arguments.of("provider-api-key", "AIzaShort and ghp_tooShort and xoxb-notnumeric-abc"),
        Arguments.of("virtual-key", "pc-vk-tooShort and pc-vk-" + "a".repeat(45)),
        Arguments.of("email", "@handle, a@b, user@localhost, x@y.notatld, mail@.com"),
        Arguments.of("card-number", "4111 1111 1111 1112 and 1234567812345678 and 41111111111111110 and 4111111111111111x"),
        Arguments.of("card-number", "order 123456789012 (12 digits) and 4111  1111 1111 1111"),
        Arguments.of("phone", "call 650-253-0000 (no country code) or +1 555 0100"),
        Arguments.of("iban", "DE88 3704 0044 0532 0130 00 and GB82WEST1234569876543 and XX89370400440532013000"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("nearMisses")
  void nearMissesAreNotFound(String detector, String text) {
    assertThat(found(detector, text)).isEmpty();
  }

  @Test
  void privateKeysInEveryFormAreFoundWhole() {
    for (String br : List.of("\n", "\r\n", "\\n")) {
      String pem = Samples.pem(br);
      String text = "my key: " + pem + br + "thanks";
      assertThat(found("private-key", text)).as("line break %s", br).containsExactly(pem);
    }
    String rsa = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,0123ABCD\n\n"
        + "MIIEowIBAAKCAQEA1b2\nabc+/=\n-----END RSA PRIVATE KEY-----";
    assertThat(found("private-key", "x " + rsa + " y")).containsExactly(rsa);
    String ec = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBk\n-----END EC PRIVATE KEY-----";
    String openssh = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----";
    assertThat(found("private-key", ec + "\n\n" + openssh)).containsExactly(ec, openssh);
  }

  @Test
  void anUnterminatedPrivateKeyIsFoundUpToItsLastLine() {
    String text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nZm9vYmFy\nand then prose";
    assertThat(found("private-key", text)).containsExactly("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\nZm9vYmFy");
    assertThat(found("private-key", "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----")).isEmpty();
  }

  @Test
  void virtualKeysByShapeOrByChecksum() {
    byte[] checksumKey = VirtualKeyFormat.checksumKey("an auth secret for the test");
    String key = VirtualKeyFormat.mint(checksumKey);
    String legacy = "pc-vk-" + "Ab1".repeat(13) + "x";
    String text = "Authorization: Bearer " + key + ", old " + legacy;
    assertThat(found("virtual-key", text)).containsExactly(key, legacy);

    Detector checked = Detectors.with(null, checksumKey).get("virtual-key");
    String forged = key.substring(0, key.length() - 1) + (key.endsWith("A") ? "B" : "A");
    assertThat(checked.find(text + " " + forged)).extracting(f -> (text + " " + forged).substring(f.start(), f.end()))
        .containsExactly(key);
  }

  @Test
  void aDefaultRegionFindsNationalPhoneNumbers() {
    String text = "ruf an: 030 901820 oder (0)89 12345678";
    assertThat(found("phone", text)).isEmpty();
    assertThat(Detectors.with("DE", null).get("phone").find(text)).isNotEmpty();
    assertThatThrownBy(() -> Detectors.with("Germany", null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unicodeAroundMatchesDoesNotShiftThem() {
    String text = "📧 " + Samples.EMAIL + "、カード" + Samples.CARD + "。🔑" + Samples.OPENAI + "✓";
    assertThat(found("email", text)).containsExactly(Samples.EMAIL);
    assertThat(found("card-number", text)).containsExactly(Samples.CARD);
    assertThat(found("provider-api-key", text)).containsExactly(Samples.OPENAI);
  }

  /** 1 MB of near-misses for each detector: it must finish (no catastrophic backtracking). */
  static Stream<Arguments> adversarial() {
    return Stream.of(
        Arguments.of("aws-access-key", "AKIA" + "A".repeat(15) + " aws_secret_access_key=" + "a".repeat(39) + " "),
        Arguments.of("aws-access-key", "AKIA"),
        Arguments.of("private-key", "-----BEGIN RSA PRIVATE KEY-----\n"),
        Arguments.of("private-key", "-----BEGIN PRIVATE KEY-----\nQUJD\n"),
        Arguments.of("jwt", "eyJ"),
        Arguments.of("jwt", "eyJhbGciOiJIUzI1NiJ9x "),
        Arguments.of("provider-api-key", "sk-"),
        Arguments.of("provider-api-key", "sk-ant-aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"),
        Arguments.of("provider-api-key", "sk-" + "a".repeat(300) + " "),
        Arguments.of("virtual-key", "pc-vk-" + "a".repeat(39) + "-"),
        Arguments.of("email", "a@"),
        Arguments.of("email", "x." + "a".repeat(70) + "@" + "b".repeat(300) + " "),
        Arguments.of("card-number", "4111 1111 1111 1112 "),
        Arguments.of("card-number", "1 "),
        Arguments.of("phone", "+1 555 01"),
        Arguments.of("phone", "+"),
        Arguments.of("iban", "DE89 3704 0044 0532 0130 01 "),
        Arguments.of("iban", "DE89 "));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("adversarial")
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void aMegabyteOfNearMissesFinishes(String detector, String unit) {
    String text = unit.repeat(1_000_000 / unit.length() + 1);
    assertThat(DETECTORS.get(detector).find(text)).isNotNull();
  }
}
