package dev.portcullis.common.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretRedactorTest {

  private static final String OPENAI = "sk-proj-" + "Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z";
  private static final String ANTHROPIC = "sk-ant-api03-" + "Xy9zAb8cDe7fGh6iJk5lMn4oPq3rSt2uVw1x";
  private static final String VIRTUAL_KEY = "pc-vk-" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0" + "Zz9Yy8Xx7Ww";
  private static final String AWS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
  private static final String AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
  private static final String GOOGLE = "AIzaSyA1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q";
  private static final String JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  private static final String GITHUB = "ghp_" + "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8";
  private static final String SLACK = "xoxb-" + "123456789012-1234567890123-AbCdEfGhIjKlMnOp";

  @Test
  void secretFieldsOfJsonAreRedactedAndUsageFieldsKept() {
    String body = new JsonObject()
        .put("model", "gpt-4o")
        .put("max_tokens", 100)
        .put("max_completion_tokens", 50)
        .put("api_key", "hunter2-not-a-known-format")
        .put("apiKey", "also-secret")
        .put("password", "hunter2")
        .put("client_secret", "abc")
        .put("Authorization", "Basic dXNlcjpwYXNz")
        .put("x-api-key", "xyz")
        .put("access_token", "at")
        .put("refresh_token", "rt")
        .put("secret", 12345)
        .put("prompt_cache_key", "user-42-session")
        .put("next_page_token", "page2")
        .put("usage", new JsonObject().put("input_tokens", 10).put("output_tokens", 20).put("cached_tokens", 3))
        .encode();

    JsonObject redacted = new JsonObject(SecretRedactor.redact(body));

    assertThat(redacted.getString("model")).isEqualTo("gpt-4o");
    assertThat(redacted.getInteger("max_tokens")).isEqualTo(100);
    assertThat(redacted.getInteger("max_completion_tokens")).isEqualTo(50);
    assertThat(redacted.getString("prompt_cache_key")).isEqualTo("user-42-session");
    assertThat(redacted.getString("next_page_token")).isEqualTo("page2");
    assertThat(redacted.getJsonObject("usage").getInteger("input_tokens")).isEqualTo(10);
    for (String secret : new String[] {"api_key", "apiKey", "password", "client_secret", "Authorization",
        "x-api-key", "access_token", "refresh_token", "secret"}) {
      assertThat(redacted.getValue(secret)).as(secret).isEqualTo(SecretRedactor.REDACTED);
    }
  }

  @Test
  void bareTokenAndKeyAreRedactedOnlyWhenTheyLookLikeCredentials() {
    String logprobs = "{\"logprobs\":{\"content\":[{\"token\":\" Hello\",\"logprob\":-0.1},"
        + "{\"token\":\"_world_of_words_here\",\"logprob\":-0.2}]},"
        + "\"metadata\":[{\"key\":\"team\",\"value\":\"blue\"}],"
        + "\"token\":\"Zq8LmW2xPq7rTs9uVb3n\",\"key\":\"k3yV4lu3W1thD1g1ts00\"}";

    JsonObject redacted = new JsonObject(SecretRedactor.redact(logprobs));

    assertThat(redacted.getJsonObject("logprobs").getJsonArray("content").getJsonObject(0).getString("token"))
        .isEqualTo(" Hello");
    assertThat(redacted.getJsonObject("logprobs").getJsonArray("content").getJsonObject(1).getString("token"))
        .isEqualTo("_world_of_words_here");
    assertThat(redacted.getJsonArray("metadata").getJsonObject(0).getString("key")).isEqualTo("team");
    assertThat(redacted.getString("token")).isEqualTo(SecretRedactor.REDACTED);
    assertThat(redacted.getString("key")).isEqualTo(SecretRedactor.REDACTED);
  }

  @Test
  void knownCredentialsAreRedactedAnywhereInText() {
    String text = "openai " + OPENAI + ", anthropic " + ANTHROPIC + "; portcullis " + VIRTUAL_KEY
        + " aws " + AWS_KEY_ID + " with " + AWS_SECRET + " google=" + GOOGLE + " jwt " + JWT
        + " gh " + GITHUB + " slack " + SLACK + " stripe sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
        + " hf hf_" + "AbCdEfGhIjKlMnOpQrStUvWxYz012345";

    String redacted = SecretRedactor.redact(text);

    assertThat(redacted).doesNotContain(OPENAI, ANTHROPIC, VIRTUAL_KEY, AWS_KEY_ID, AWS_SECRET, GOOGLE, JWT, GITHUB,
        SLACK, "4eC39HqLyjWDarjtT1zdp7dc", "AbCdEfGhIjKlMnOpQrStUvWxYz012345");
    assertThat(redacted).startsWith("openai [REDACTED:openai], anthropic [REDACTED:anthropic]; portcullis "
        + "[REDACTED:portcullis] aws [REDACTED:aws] with [REDACTED:aws] google=[REDACTED:google] jwt [REDACTED:jwt]"
        + " gh [REDACTED:github] slack [REDACTED:slack]");
  }

  @Test
  void credentialsInsideJsonStringsKeepTheJsonValid() {
    String body = new JsonObject()
        .put("messages", new JsonArray().add(new JsonObject().put("role", "user")
            .put("content", "my key is " + OPENAI + "\nand the header was Authorization: Bearer " + JWT)))
        .encode();

    String redacted = SecretRedactor.redact(body);

    String content = new JsonObject(redacted).getJsonArray("messages").getJsonObject(0).getString("content");
    assertThat(content).isEqualTo("my key is [REDACTED:openai]\nand the header was Authorization: [REDACTED]");
  }

  @Test
  void fieldsOfJsonKeptInAJsonStringAreRedacted() {
    // A tool call's arguments are JSON in a string: the quotes are escaped once.
    String arguments = new JsonObject().put("url", "https://example.com").put("api_key", "plain-secret-value")
        .put("nested", new JsonObject().put("password", "p@ss").encode()).encode();
    String body = new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject()
        .put("function", new JsonObject().put("name", "fetch").put("arguments", arguments)))).encode();

    String redacted = SecretRedactor.redact(body);

    JsonObject call = new JsonObject(redacted).getJsonArray("tool_calls").getJsonObject(0).getJsonObject("function");
    JsonObject args = new JsonObject(call.getString("arguments"));
    assertThat(args.getString("url")).isEqualTo("https://example.com");
    assertThat(args.getString("api_key")).isEqualTo(SecretRedactor.REDACTED);
    assertThat(new JsonObject(args.getString("nested")).getString("password")).isEqualTo(SecretRedactor.REDACTED);
  }

  @Test
  void invalidAndTruncatedJsonIsRedactedAsText() {
    String truncated = "{\"model\":\"x\",\"api_key\":\"sk-notlongenough\",\"password\":\"hunter2-and-the-rest";
    assertThat(SecretRedactor.redact(truncated))
        .isEqualTo("{\"model\":\"x\",\"api_key\":\"[REDACTED]\",\"password\":\"[REDACTED]");
    assertThat(SecretRedactor.redact("{not json at all, api_key=abc123&x=1 password: p4ss"))
        .isEqualTo("{not json at all, api_key=[REDACTED]&x=1 password: [REDACTED]");
  }

  @Test
  void formAndHeaderStyleSecretsAreRedacted() {
    assertThat(SecretRedactor.redact("grant_type=client_credentials&client_id=app&client_secret=s3cr3t&scope=x"))
        .isEqualTo("grant_type=client_credentials&client_id=app&client_secret=[REDACTED]&scope=x");
    assertThat(SecretRedactor.redact("x-api-key: abcdef\nAuthorization: Basic dXNlcjpwYXNz\nAccept: */*"))
        .isEqualTo("x-api-key: [REDACTED]\nAuthorization: [REDACTED]\nAccept: */*");
  }

  @Test
  void privateKeyBlocksAreRedactedWholeEvenWithoutTheirEnd() {
    String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1\nabc\n-----END RSA PRIVATE KEY-----";
    assertThat(SecretRedactor.redact("key:\n" + pem + "\nafter")).isEqualTo("key:\n[REDACTED:private-key]\nafter");
    assertThat(SecretRedactor.redact("{\"k\":\"-----BEGIN PRIVATE KEY-----\\nMIIEv"))
        .isEqualTo("{\"k\":\"[REDACTED:private-key]");
    String certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
    assertThat(SecretRedactor.redact(certificate)).isSameAs(certificate);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "The max_tokens and input_tokens fields count tokens; a key idea; the token budget.",
      "{\"usage\":{\"input_tokens\":12,\"output_tokens\":34,\"cache_read_input_tokens\":0}}",
      "A bearer bond is not a Bearer token; sk-short; AKIA is a prefix; eyJ.eyJ.x",
      "git sha 3f786850e387550fdab836ed7e6dc881de23001b near nothing",
      "{\"token\":\"hello\",\"key\":\"name\",\"keys\":[\"a\"],\"token_count\":5}"})
  void ordinaryTextIsKeptAsIs(String text) {
    assertThat(SecretRedactor.redact(text)).isSameAs(text);
  }

  @Test
  void redactingTwiceChangesNothingMore() {
    String body = "{\"api_key\":\"x\",\"token\":\"Zq8LmW2xPq7rTs9uVb3n\",\"m\":\"Bearer " + JWT + " and " + OPENAI
        + "\"} password=p x-api-key: k -----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY----- " + AWS_KEY_ID;
    String once = SecretRedactor.redact(body);
    assertThat(once).isNotEqualTo(body);
    assertThat(SecretRedactor.redact(once)).isEqualTo(once);
  }

  @Test
  void awsSecretsAreOnlyTakenNearAnAccessKeyId() {
    String alone = "checksum " + AWS_SECRET + " of the file";
    assertThat(SecretRedactor.redact(alone)).isSameAs(alone);
    assertThat(SecretRedactor.redact(AWS_SECRET + " is the secret of " + AWS_KEY_ID))
        .isEqualTo("[REDACTED:aws] is the secret of [REDACTED:aws]");
  }

  @Test
  void bytesThatAreNotUtf8AreReadAsText() {
    byte[] body = ("\u00ff\u00fe junk " + OPENAI).getBytes(StandardCharsets.ISO_8859_1);
    assertThat(SecretRedactor.redact(body)).isEqualTo("\uFFFD\uFFFD junk [REDACTED:openai]");
    assertThat(SecretRedactor.redact((String) null)).isNull();
    assertThat(SecretRedactor.redact("")).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"eyJ-", "eyJa.", "eyJaaaaaaaaa.eyJ", "sk-", "sk-ant-", "\"api_key\":", "\\\"token\\\": \\\"",
      "\\", "\"", "\"a\" ", "token=", "token='token=", "Bearer ", "bearer\t", "-----BEGIN ", "AKIA",
      "AKIAIOSFODNN7EXAMPLE ", "a", " ", "pc-vk-", "\\\\\\\"x", "x-api-key: ", "\"key\": \"k3y"})
  void adversarialInputIsRedactedInLinearTime(String unit) {
    int repeats = 1_000_000 / unit.length() + 1;
    String body = unit.repeat(repeats);
    // Linear: a megabyte takes milliseconds. A quadratic rule would take minutes; the bound is generous.
    String redacted = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> SecretRedactor.redact(body));
    assertThat(redacted).isNotNull();
  }

  @Test
  void aMegabyteOfAWSKeyIdsAndSecretsIsStillLinear() {
    String unit = AWS_KEY_ID + " " + AWS_SECRET + " ";
    String body = unit.repeat(1_000_000 / unit.length());
    String redacted = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> SecretRedactor.redact(body));
    assertThat(redacted).doesNotContain(AWS_SECRET).doesNotContain(AWS_KEY_ID);
  }
}
