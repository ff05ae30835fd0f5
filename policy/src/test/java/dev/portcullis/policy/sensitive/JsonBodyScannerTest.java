package dev.portcullis.policy.sensitive;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodyScannerTest {

  private static final Detectors DETECTORS = Detectors.defaults();

  private static SensitiveScanner of(String... names) {
    return new SensitiveScanner(DETECTORS.get(List.of(names)));
  }

  private static Buffer body(String json) {
    return Buffer.buffer(json);
  }

  @Test
  void aBlockedSecretAnywhereRefusesTheBodyAndNamesItsDetector() {
    JsonBodyScanner scanner = new JsonBodyScanner(of("aws-access-key"), of("email"), null);
    // In a tool call's arguments, three levels down, as a field name: all are read.
    for (String json : List.of(
        "{\"messages\":[{\"role\":\"user\",\"content\":\"my key is " + Samples.AWS_KEY_ID + "\"}]}",
        "{\"messages\":[{\"role\":\"assistant\",\"tool_calls\":[{\"function\":{\"arguments\":"
            + "\"{\\\"k\\\":\\\"aws_secret_access_key=" + Samples.AWS_SECRET.replace("/", "\\/") + "\\\"}\"}}]}]}",
        "{\"contents\":[{\"parts\":[{\"functionResponse\":{\"response\":{\"" + Samples.AWS_KEY_ID + "\":1}}}]}]}")) {
      JsonBodyScanner.Outcome outcome = scanner.scan(body(json));
      assertThat(outcome.blocked()).as(json).isTrue();
      assertThat(outcome.blockedBy()).isEqualTo("aws-access-key");
    }
  }

  @Test
  void redactionReplacesOnlyTheFindingsAndKeepsEveryOtherByteOfMeaning() {
    JsonBodyScanner scanner = new JsonBodyScanner(null, of("email", "card-number"), of("phone"));
    String json = "{\"model\":\"gpt-4o-mini\",\"temperature\":0.70,\"n\":1e2,\"messages\":[{\"role\":\"user\","
        + "\"content\":\"Mail " + Samples.EMAIL + " or call " + Samples.PHONE + ", card " + Samples.CARD
        + " \\u00e9\\n\"}],\"stream\":true}";
    JsonBodyScanner.Outcome outcome = scanner.scan(body(json));
    assertThat(outcome.blocked()).isFalse();
    assertThat(outcome.redacted()).isEqualTo(Map.of("email", 1, "card-number", 1));
    assertThat(outcome.logged()).isEqualTo(Map.of("phone", 1));
    JsonObject sent = new JsonObject(outcome.body());
    assertThat(sent.getJsonArray("messages").getJsonObject(0).getString("content"))
        .isEqualTo("Mail [REDACTED:email] or call " + Samples.PHONE + ", card [REDACTED:card-number] \u00e9\n");
    assertThat(outcome.body().toString()).doesNotContain(Samples.EMAIL).contains("\"temperature\":0.70")
        .contains("\"n\":1e2").contains("\"stream\":true").contains("\"model\":\"gpt-4o-mini\"");
  }

  @Test
  void aBodyWithNothingToRedactKeepsItsBytesAndInstance() {
    JsonBodyScanner scanner = new JsonBodyScanner(of("jwt"), of("email"), of("phone"));
    Buffer original = body("{ \"messages\" : [ {\"content\":\"hello  world\"} ] }");
    JsonBodyScanner.Outcome outcome = scanner.scan(original);
    assertThat(outcome.body()).isSameAs(original);
    assertThat(outcome.changed(original)).isFalse();
    assertThat(outcome.redacted()).isEmpty();
  }

  @Test
  void base64PayloadsAreNotReadButShortBase64LikeKeysAre() {
    String image = "iVBORw0KGgo" + "A".repeat(4_000) + Samples.AWS_KEY_ID + "B".repeat(100);
    JsonBodyScanner scanner = new JsonBodyScanner(of("aws-access-key"), null, null);
    assertThat(scanner.scan(body("{\"data\":\"" + image + "\"}")).blocked()).isFalse();
    assertThat(scanner.scan(body("{\"url\":\"data:image/png;base64," + image + "\"}")).blocked()).isFalse();
    assertThat(scanner.scan(body("{\"key\":\"" + Samples.AWS_KEY_ID + "\"}")).blocked()).isTrue();
    // Prose around the key is not a payload, however long.
    assertThat(scanner.scan(body("{\"text\":\"" + "word ".repeat(2_000) + Samples.AWS_KEY_ID + "\"}")).blocked())
        .isTrue();
  }

  @Test
  void junkIsScannedAsFarAsItParsesAndNeverRewritten() {
    JsonBodyScanner scanner = new JsonBodyScanner(of("aws-access-key"), of("email"), null);
    Buffer junk = body("{\"a\":\"" + Samples.EMAIL + "\", oops");
    JsonBodyScanner.Outcome outcome = scanner.scan(junk);
    assertThat(outcome.body()).isSameAs(junk);
    assertThat(scanner.scan(body("not json at all " + Samples.AWS_KEY_ID)).blocked()).isFalse();
    assertThat(scanner.scan(body("{\"a\":\"" + Samples.AWS_KEY_ID + "\", oops")).blocked())
        .as("a secret before the junk is still found").isTrue();
    assertThat(scanner.scan(body("")).blocked()).isFalse();
  }

  @Test
  void aScannerWithoutDetectorsIsEmpty() {
    assertThat(new JsonBodyScanner(null, new SensitiveScanner(List.of()), null).isEmpty()).isTrue();
    assertThat(new JsonBodyScanner(null, of("email"), null).isEmpty()).isFalse();
  }
}
