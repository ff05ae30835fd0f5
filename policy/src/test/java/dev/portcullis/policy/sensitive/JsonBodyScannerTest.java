package dev.portcullis.policy.sensitive;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonBodyScannerTest {

  private static final Detectors DETECTORS = Detectors.defaults();
  private static final ObjectMapper TREE = new ObjectMapper();

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
  void aBodyThatIsNotJsonIsScannedAsTextAndNeverRewritten() {
    JsonBodyScanner scanner = new JsonBodyScanner(of("aws-access-key"), of("email"), of("phone"));
    // Junk after valid JSON, plain text, a multipart upload: the provider still receives the bytes,
    // so a secret in them is refused, and a finding to redact refuses them too (nothing in bytes of
    // unknown shape can be replaced safely).
    for (String text : List.of("{\"a\":\"x\", oops " + Samples.AWS_KEY_ID, "not json at all " + Samples.AWS_KEY_ID,
        "--b\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\n" + Samples.AWS_KEY_ID + "\r\n--b--")) {
      JsonBodyScanner.Outcome outcome = scanner.scan(body(text));
      assertThat(outcome.blockedBy()).as(text).isEqualTo("aws-access-key");
      assertThat(outcome.notJson()).isTrue();
    }
    Buffer mail = body("{\"a\":\"" + Samples.EMAIL + "\", oops");
    JsonBodyScanner.Outcome redactable = scanner.scan(mail);
    assertThat(redactable.blockedBy()).isEqualTo("email");
    assertThat(redactable.body()).isSameAs(mail);
    Buffer call = body("call " + Samples.PHONE + " (not JSON)");
    JsonBodyScanner.Outcome logged = scanner.scan(call);
    assertThat(logged.blocked()).isFalse();
    assertThat(logged.logged()).isEqualTo(Map.of("phone", 1));
    assertThat(logged.body()).isSameAs(call);
    assertThat(scanner.scan(body("")).blocked()).isFalse();
  }

  @Test
  void aBodyNestedDeeperThanClientJsonMayBeIsScannedAsText() {
    JsonBodyScanner scanner = new JsonBodyScanner(of("aws-access-key"), null, null);
    String deep = "[".repeat(300) + "\"" + Samples.AWS_KEY_ID + "\"" + "]".repeat(300);
    JsonBodyScanner.Outcome outcome = scanner.scan(body("{\"a\":" + deep + "}"));
    assertThat(outcome.blockedBy()).isEqualTo("aws-access-key");
    assertThat(outcome.notJson()).isTrue();
  }

  @Test
  void aSecretInADuplicatedKeyIsFoundWhateverValueAReaderKeeps() {
    JsonBodyScanner scanner = new JsonBodyScanner(of("aws-access-key"), null, null);
    String json = "{\"messages\":[{\"content\":\"" + Samples.AWS_KEY_ID + "\"}],\"messages\":[{\"content\":\"hi\"}]}";
    JsonBodyScanner.Read<JsonNode> read = scanner.scanWhileReading(body(json), TREE::readTree);
    assertThat(read.outcome().blockedBy()).isEqualTo("aws-access-key");
    assertThat(read.value()).isNull();
  }

  @Test
  void aReaderReadsTheBodyInTheSamePassAndSeesItsStringsAsRedacted() {
    JsonBodyScanner scanner = new JsonBodyScanner(null, of("email"), of("phone"));
    String json = "{\"" + Samples.EMAIL + "\":1,\"messages\":[{\"role\":\"tool\",\"content\":\"write to "
        + Samples.EMAIL + " or " + Samples.PHONE + "\"}],\"n\":1e2}";
    JsonBodyScanner.Read<JsonNode> read = scanner.scanWhileReading(body(json), TREE::readTree);
    assertThat(read.value().path("messages").path(0).path("content").asText())
        .isEqualTo("write to [REDACTED:email] or " + Samples.PHONE);
    assertThat(read.value().has("[REDACTED:email]")).as("a field name as redacted").isTrue();
    assertThat(read.outcome().redacted()).isEqualTo(Map.of("email", 2));
    assertThat(read.outcome().logged()).isEqualTo(Map.of("phone", 1));
    assertThat(read.outcome().body().toString()).doesNotContain(Samples.EMAIL).contains("\"n\":1e2");
  }

  @Test
  void whatAReaderSkipsOrLeavesUnreadIsScannedAllTheSame() {
    JsonBodyScanner scanner = new JsonBodyScanner(of("aws-access-key"), null, null);
    String json = "{\"skip\":{\"deep\":[\"" + Samples.AWS_KEY_ID + "\"]},\"after\":1}";
    JsonBodyScanner.Read<String> skipping = scanner.scanWhileReading(body(json), parser -> {
      parser.nextToken();
      parser.nextToken();
      parser.nextToken();
      parser.skipChildren();
      return "read";
    });
    assertThat(skipping.outcome().blockedBy()).isEqualTo("aws-access-key");
    JsonBodyScanner.Read<String> stopping = scanner.scanWhileReading(body("{\"a\":1,\"b\":\"" + Samples.AWS_KEY_ID
        + "\"}"), parser -> {
          parser.nextToken();
          return "first token only";
        });
    assertThat(stopping.outcome().blockedBy()).isEqualTo("aws-access-key");
    JsonBodyScanner.Read<String> failing = scanner.scanWhileReading(body("{\"a\":\"fine\"}"), parser -> {
      throw new IllegalStateException("a reader that gives up");
    });
    assertThat(failing.outcome().blocked()).isFalse();
    assertThat(failing.value()).isNull();
  }

  @Test
  void aScannerWithoutDetectorsIsEmpty() {
    assertThat(new JsonBodyScanner(null, new SensitiveScanner(List.of()), null).isEmpty()).isTrue();
    assertThat(new JsonBodyScanner(null, of("email"), null).isEmpty()).isFalse();
  }
}
