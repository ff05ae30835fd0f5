package dev.portcullis.provider.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.SigV4Verifier;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;

class SigV4RequestSignerTest {

  private static final String ACCESS_KEY = "AKIDEXAMPLE";
  private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  private static final String SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLETOKEN//+=";
  private static final String REGION = "us-east-1";
  private static final Clock FIXED = Clock.fixed(Instant.parse("2026-11-25T07:47:33Z"), ZoneOffset.UTC);
  private static final String HOST = "bedrock-runtime.us-east-1.amazonaws.com";
  private static final String CONVERSE_PATH = "/model/us.anthropic.claude-x-v1%3A0/converse";
  private static final Buffer BODY = Buffer.buffer("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}");

  private final SigV4RequestSigner signer = new SigV4RequestSigner(REGION, FIXED);

  private static AwsCredentialsIdentity staticCredentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET)).resolveCredentials();
  }

  private static AwsCredentialsIdentity sessionCredentials() {
    return StaticCredentialsProvider.create(AwsSessionCredentials.create(ACCESS_KEY, SECRET, SESSION_TOKEN))
        .resolveCredentials();
  }

  private static MultiMap jsonHeaders() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Content-Type", "application/json")
        .add("Accept", "application/json");
  }

  private static String sha256Hex(Buffer body) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body.getBytes()));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** The headers as a test upstream would receive them: the request's own plus those the signer added. */
  private static MultiMap sent(MultiMap headers, Map<String, String> added) {
    MultiMap all = MultiMap.caseInsensitiveMultiMap().addAll(headers);
    added.forEach(all::set);
    return all;
  }

  @Test
  void modelIdWithColonIsSignedOverTheDoublyEncodedPath() {
    MultiMap headers = jsonHeaders();

    Map<String, String> added = signer.sign("POST", URI.create("https://" + HOST + CONVERSE_PATH), headers, BODY,
        staticCredentials());

    assertThat(added.get("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/us-east-1/bedrock/aws4_request, ")
        .contains("SignedHeaders=accept;content-type;host;x-amz-content-sha256;x-amz-date,");
    assertThat(added).containsEntry("X-Amz-Date", "20261125T074733Z").containsEntry("Host", HOST)
        .containsEntry("x-amz-content-sha256", sha256Hex(BODY))
        .doesNotContainKey("X-Amz-Security-Token");
    SigV4Verifier verifier = new SigV4Verifier(ACCESS_KEY, SECRET, REGION, "bedrock");
    SigV4Verifier.Result result = verifier.verify("POST", CONVERSE_PATH, null, sent(headers, added), BODY);
    assertThat(result.matches()).as(result.reason()).isTrue();
    // What AWS does with a path that went out with a raw ':' instead: a different canonical URI, so 403.
    assertThat(verifier.verify("POST", "/model/us.anthropic.claude-x-v1:0/converse", null, sent(headers, added),
        BODY).matches()).isFalse();
  }

  @Test
  void arnModelIdWithSlashesIsSignedAsOnePathSegment() {
    String path = "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2F"
        + "us.anthropic.claude-x-v1%3A0/converse-stream";
    MultiMap headers = jsonHeaders();

    Map<String, String> added = signer.sign("POST", URI.create("https://" + HOST + path), headers, BODY,
        staticCredentials());

    SigV4Verifier.Result result = new SigV4Verifier(ACCESS_KEY, SECRET, REGION, "bedrock")
        .verify("POST", path, null, sent(headers, added), BODY);
    assertThat(result.matches()).as(result.reason()).isTrue();
  }

  @Test
  void sessionCredentialsAddASignedSecurityToken() {
    MultiMap headers = jsonHeaders();

    Map<String, String> added = signer.sign("POST", URI.create("https://" + HOST + CONVERSE_PATH), headers, BODY,
        sessionCredentials());

    assertThat(added).containsEntry("X-Amz-Security-Token", SESSION_TOKEN);
    assertThat(added.get("Authorization")).contains("x-amz-security-token");
    SigV4Verifier.Result result = new SigV4Verifier(ACCESS_KEY, SECRET, SESSION_TOKEN, REGION, "bedrock")
        .verify("POST", CONVERSE_PATH, null, sent(headers, added), BODY);
    assertThat(result.matches()).as(result.reason()).isTrue();
  }

  @Test
  void controlPlaneQueryIsSigned() {
    String host = "bedrock.eu-west-1.amazonaws.com";
    String query = "type=SYSTEM_DEFINED&maxResults=1000&nextToken=abc%2Bdef%3D%3D";
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json");

    Map<String, String> added = new SigV4RequestSigner("eu-west-1", FIXED).sign("GET",
        URI.create("https://" + host + "/inference-profiles?" + query), headers, Buffer.buffer(), staticCredentials());

    assertThat(added.get("Authorization")).contains("/20261125/eu-west-1/bedrock/aws4_request");
    SigV4Verifier verifier = new SigV4Verifier(ACCESS_KEY, SECRET, "eu-west-1", "bedrock");
    SigV4Verifier.Result result = verifier.verify("GET", "/inference-profiles", query, sent(headers, added),
        Buffer.buffer());
    assertThat(result.matches()).as(result.reason()).isTrue();
    assertThat(verifier.verify("GET", "/inference-profiles", "type=APPLICATION&maxResults=1000&nextToken=abc%2Bdef%3D%3D",
        sent(headers, added), Buffer.buffer()).matches()).isFalse();
  }

  @Test
  void signatureCoversTheBodyAndTheClock() {
    URI url = URI.create("https://" + HOST + CONVERSE_PATH);
    MultiMap headers = jsonHeaders();
    Map<String, String> added = signer.sign("POST", url, headers, BODY, staticCredentials());
    SigV4Verifier verifier = new SigV4Verifier(ACCESS_KEY, SECRET, REGION, "bedrock");

    assertThat(verifier.verify("POST", CONVERSE_PATH, null, sent(headers, added),
        Buffer.buffer(BODY.toString().replace("hi", "ho"))).matches()).isFalse();
    Map<String, String> later = new SigV4RequestSigner(REGION, Clock.offset(FIXED, java.time.Duration.ofSeconds(1)))
        .sign("POST", url, headers, BODY, staticCredentials());
    assertThat(later.get("X-Amz-Date")).isEqualTo("20261125T074734Z");
    assertThat(later.get("Authorization")).isNotEqualTo(added.get("Authorization"));
    // Same inputs, same signature: nothing but the arguments goes into it.
    assertThat(signer.sign("POST", url, headers, BODY, staticCredentials())).isEqualTo(added);
  }

  @Test
  void nonDefaultPortIsPartOfTheSignedHost() {
    String path = "/model/m%3A1/converse";
    MultiMap headers = jsonHeaders();

    Map<String, String> added = signer.sign("POST", URI.create("http://127.0.0.1:8089" + path), headers, BODY,
        staticCredentials());

    assertThat(added).containsEntry("Host", "127.0.0.1:8089");
    SigV4Verifier.Result result = new SigV4Verifier(ACCESS_KEY, SECRET, REGION, "bedrock")
        .verify("POST", path, null, sent(headers, added), BODY);
    assertThat(result.matches()).as(result.reason()).isTrue();
  }
}
