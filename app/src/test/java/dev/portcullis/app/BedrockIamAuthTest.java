package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.InferenceProfilesFake;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SigV4Verifier;
import dev.portcullis.testkit.UpstreamResponder;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bedrock with {@code ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED=true}: keyless callers' calls are signed
 * with SigV4 (service {@code bedrock}, the configured region) using credentials from the AWS SDK's
 * default chain, which the test feeds through its first link, the {@code aws.accessKeyId} system
 * properties, with a session token. The test upstream checks every signature it receives with
 * {@link SigV4Verifier} (host, double-encoded path, query, body hash) and refuses a bad one as
 * Bedrock would.
 */
@Timeout(20)
class BedrockIamAuthTest {

  private static final String ACCESS_KEY = "AKIDPORTCULLISTEST";
  private static final String SECRET_KEY = "portcullis-test-secret-key/0123456789abcdef";
  private static final String SESSION_TOKEN = "IQoJb3JpZ2luX2VjEPortcullisTestSessionToken==";
  private static final String REGION = "eu-central-1";
  private static final String ARN = "arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String ARN_PATH = "/model/arn%3Aaws%3Abedrock%3Aeu-central-1%3A123456789012%3Ainference-profile"
      + "%2Feu.anthropic.claude-sonnet-4-20250514-v1%3A0";

  private static final SigV4Verifier VERIFIER = new SigV4Verifier(ACCESS_KEY, SECRET_KEY, SESSION_TOKEN, REGION, "bedrock");

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  // HTTP/1.1: the JDK client's h2c upgrade of a POST is flaky against the gateway (see the report).
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    System.setProperty("aws.accessKeyId", ACCESS_KEY);
    System.setProperty("aws.secretAccessKey", SECRET_KEY);
    System.setProperty("aws.sessionToken", SESSION_TOKEN);
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl(""),
        "ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED", "true",
        "ARCHESTRA_BEDROCK_REGION", REGION));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    System.clearProperty("aws.sessionToken");
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  /** Answers as {@code then} does when the signature verifies, else 403 as Bedrock does. */
  private static UpstreamResponder verified(UpstreamResponder then) {
    return (request, body) -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      SigV4Verifier.Result result = VERIFIER.verify(request.method().name(), request.path(), request.query(), headers,
          body);
      if (result.matches()) {
        then.respond(request, body);
      } else {
        BedrockWire.error(403, "InvalidSignatureException", result.reason()).respond(request, body);
      }
    };
  }

  private static HttpResponse<String> post(String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder().uri(URI.create(portcullis.providerUrl("bedrock") + path))
        .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void keylessConverseWithAnArnIsSignedOverTheDoublyEncodedPathAndTheRewrittenBody() throws Exception {
    upstream.on("POST", ARN_PATH + "/converse", verified(RecordingUpstream.json(200, BedrockWire.converse("Signed!", 5, 2))));

    HttpResponse<String> response = post("/converse", "{\"modelId\":\"" + ARN + "\",\"messages\":[{\"role\":\"user\","
        + "\"content\":[{\"text\":\"Hi\"}]}]}", null);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getJsonObject("usage").getInteger("outputTokens")).isEqualTo(2);
    RecordedRequest received = upstream.last();
    assertThat(received.header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + ACCESS_KEY + "/")
        .contains("/" + REGION + "/bedrock/aws4_request");
    assertThat(received.header("X-Amz-Security-Token")).isEqualTo(SESSION_TOKEN);
    assertThat(received.json().containsKey("modelId")).isFalse();
  }

  @Test
  void aJunkKeyInAnotherHeaderDoesNotBorrowTheServersAwsIdentity() throws Exception {
    upstream.on("POST", "/model/eu.amazon.nova-pro-v1%3A0/converse",
        verified(RecordingUpstream.json(200, BedrockWire.converse("Signed!", 5, 2))));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("bedrock") + "/model/eu.amazon.nova-pro-v1%3A0/converse"))
        .header("content-type", "application/json").header("x-api-key", "x")
        .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}"))
        .build(), HttpResponse.BodyHandlers.ofString());

    // Refused in Bedrock's own error format, saying what to send; Bedrock saw nothing.
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("virtual key").contains("trusted network");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void keylessConverseStreamIsSignedAndRelayed() throws Exception {
    Buffer frames = BedrockWire.concat(BedrockWire.textStreamFrames(List.of("a", "b"), 2, 2));
    upstream.on("POST", "/model/eu.amazon.nova-pro-v1%3A0/converse-stream",
        verified(BedrockWire.eventStream(frames, 1, 50)));

    HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("bedrock") + "/model/eu.amazon.nova-pro-v1%3A0/converse-stream"))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}"))
        .build(), HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(frames.getBytes());
  }

  @Test
  void everyPageOfTheModelListIsSignedWithItsEncodedNextToken() throws Exception {
    upstream.on("GET", "/inference-profiles", verified(new InferenceProfilesFake(List.of(
        InferenceProfilesFake.profile("eu.anthropic.claude-sonnet-4-20250514-v1:0", "ACTIVE"),
        InferenceProfilesFake.profile("eu.amazon.nova-pro-v1:0", "ACTIVE"),
        InferenceProfilesFake.profile("eu.meta.llama3-2-3b-instruct-v1:0", "ACTIVE")), 1)));

    HttpResponse<String> response = http.send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("bedrock") + "/models")).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getJsonArray("data")).hasSize(3);
    assertThat(upstream.received()).hasSize(3);
  }

  @Test
  void aCallersOwnBedrockApiKeyStillGoesAsItCame() throws Exception {
    upstream.on("POST", "/model/eu.amazon.nova-pro-v1%3A0/converse", RecordingUpstream.json(200,
        BedrockWire.converse("ok", 1, 1)));

    HttpResponse<String> response = post("/model/eu.amazon.nova-pro-v1%3A0/converse",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}", "Bearer ABSK-client-key");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer ABSK-client-key");
    assertThat(upstream.last().header("X-Amz-Date")).isNull();
  }

  @Test
  void aCallersOwnSigV4IsRefusedEvenInIamMode() throws Exception {
    HttpResponse<String> response = post("/model/eu.amazon.nova-pro-v1%3A0/converse", "{\"messages\":[]}",
        "AWS4-HMAC-SHA256 Credential=AKIDCLIENT/20261125/eu-central-1/bedrock/aws4_request, "
            + "SignedHeaders=host;x-amz-date, Signature=0123");

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("UnrecognizedClientException");
    assertThat(new JsonObject(response.body()).getString("message")).contains("Bedrock API key");
    assertThat(upstream.received()).isEmpty();
  }
}
