package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.GoogleTokenEndpoint;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Issue 10, point 1: a server-side identity (Vertex AI's Google identity, Bedrock's AWS identity,
 * the gateway's place in front of a keyless Ollama) serves only a resolved virtual key or token, or
 * a caller from a trusted network. Attacks: a junk key of the provider's own kind (which today
 * skipped the keyless rule and was swapped for the server's identity), and a call from 127.0.0.6 —
 * loopback, but not this host's own address: Istio's sidecar forwards other hosts' calls from there.
 */
@Timeout(30)
class ServerIdentitiesTest {

  private static final String MODEL = "gemini-2.5-flash";
  private static final String GENERATE = "/v1beta/models/" + MODEL + ":generateContent";
  private static final String GEMINI_BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
  private static final String OLLAMA_BODY = "{\"model\":\"llama3\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String CONVERSE = "/model/anthropic.claude-3-haiku/converse";
  private static final String CONVERSE_BODY = "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}";
  /** A loopback address that is not this host's own: the default trusted networks exclude it. */
  private static final String SIDECAR = "127.0.0.6";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static GoogleTokenEndpoint tokenEndpoint;
  private static PortcullisUnderTest portcullis;
  private static Path credentialsDir;
  private static String virtualKey;
  private static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("aws.accessKeyId", "AKIDPORTCULLISTEST");
    System.setProperty("aws.secretAccessKey", "server-aws-secret-that-must-sign-nothing-for-strangers");
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.onPrefix("POST", "/v1/projects/", RecordingUpstream.json(200, GeminiWire.generateContent(MODEL, "vertex", 3, 2)));
    upstream.onPrefix("POST", "/ollama/", RecordingUpstream.json(200, OpenAiWire.chatCompletion("llama3", "ollama", 3, 2)));
    upstream.onPrefix("POST", "/model/", RecordingUpstream.json(200, BedrockWire.converse("bedrock", 3, 2)));
    tokenEndpoint = GoogleTokenEndpoint.start(upstreamVertx, 3600);
    credentialsDir = Files.createTempDirectory("vertex-credentials");
    Path credentials = tokenEndpoint.writeServiceAccountFile(credentialsDir.resolve("service-account.json"));
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", "true",
        "ARCHESTRA_GEMINI_VERTEX_AI_PROJECT", "test-project",
        "ARCHESTRA_GEMINI_VERTEX_AI_CREDENTIALS_FILE", credentials.toString(),
        "ARCHESTRA_GEMINI_VERTEX_AI_BASE_URL", upstream.baseUrl(""),
        "ARCHESTRA_OLLAMA_BASE_URL", upstream.baseUrl("/ollama/v1"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl(""),
        "ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED", "true",
        "ARCHESTRA_BEDROCK_REGION", "us-east-1"));
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    String geminiKey = admin.create("provider-keys", new JsonObject().put("provider", "gemini").put("name", "vertex")
        .put("apiKey", "stored-gemini-key-unused-on-vertex")).getString("id");
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "app")
        .put("providerKeyIds", new io.vertx.core.json.JsonArray().add(geminiKey))).getString("key");
  }

  @AfterAll
  static void stop() throws Exception {
    portcullis.close();
    tokenEndpoint.close();
    upstream.close();
    upstreamVertx.close().await();
    System.clearProperty("aws.accessKeyId");
    System.clearProperty("aws.secretAccessKey");
    try (var files = Files.list(credentialsDir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(credentialsDir);
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  @Test
  void aJunkGeminiKeyInVertexModeIsRefusedNotSwappedForTheServersGoogleIdentity() throws Exception {
    int tokensBefore = tokenEndpoint.issuedCount();
    for (String[] header : new String[][] {{"x-goog-api-key", "x"}, {"x-api-key", "x"}}) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("gemini") + GENERATE))
          .header(header[0], header[1]).header("content-type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(GEMINI_BODY)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(header[0]).isEqualTo(401);
      JsonObject error = new JsonObject(answer.body()).getJsonObject("error");
      assertThat(error.getString("status")).isEqualTo("UNAUTHENTICATED");
      assertThat(error.getString("message")).contains("virtual key");
    }
    HttpResponse<String> queryKey = http.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("gemini")
            + GENERATE + "?key=junk")).header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(GEMINI_BODY)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(queryKey.statusCode()).isEqualTo(401);
    assertThat(upstream.received()).isEmpty();
    assertThat(tokenEndpoint.issuedCount()).isEqualTo(tokensBefore);
  }

  @Test
  void aCallerFromAnUntrustedAddressGetsNoServerIdentityWithoutAKey() throws Exception {
    RawHttp.Answer gemini = RawHttp.post(SIDECAR, portcullis.port(), "/v1/gemini" + GENERATE, Map.of(), GEMINI_BODY);
    assertThat(gemini.status()).isEqualTo(401);
    assertThat(new JsonObject(gemini.body()).getJsonObject("error").getString("message"))
        .contains("PORTCULLIS_TRUSTED_NETWORKS").contains("virtual key");
    RawHttp.Answer ollama = RawHttp.post(SIDECAR, portcullis.port(), "/v1/ollama/chat/completions", Map.of(),
        OLLAMA_BODY);
    assertThat(ollama.status()).isEqualTo(401);
    assertThat(new JsonObject(ollama.body()).getJsonObject("error").getString("type")).isNotNull();
    RawHttp.Answer bedrock = RawHttp.post(SIDECAR, portcullis.port(), "/v1/bedrock" + CONVERSE, Map.of(),
        CONVERSE_BODY);
    assertThat(bedrock.status()).isEqualTo(401);
    assertThat(bedrock.header("x-amzn-ErrorType")).isNotNull();
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aJunkKeyFromAnUntrustedAddressDoesNotReachAKeylessOllama() throws Exception {
    for (Map<String, String> junk : java.util.List.of(Map.of("Authorization", "Bearer x"), Map.of("x-api-key", "x"),
        Map.of("x-goog-api-key", "x"))) {
      RawHttp.Answer answer = RawHttp.post(SIDECAR, portcullis.port(), "/v1/ollama/chat/completions", junk,
          OLLAMA_BODY);
      assertThat(answer.status()).as(junk.toString()).isEqualTo(401);
      assertThat(answer.body()).contains("PORTCULLIS_TRUSTED_NETWORKS");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aForgedForwardedForDoesNotMakeAStrangerTrusted() throws Exception {
    // No trusted proxies are configured, so X-Forwarded-For is nobody's word.
    for (String header : new String[] {"X-Forwarded-For", "Forwarded", "X-Real-IP"}) {
      String value = header.equals("Forwarded") ? "for=127.0.0.1" : "127.0.0.1";
      RawHttp.Answer answer = RawHttp.post(SIDECAR, portcullis.port(), "/v1/ollama/chat/completions",
          Map.of(header, value), OLLAMA_BODY);
      assertThat(answer.status()).as(header).isEqualTo(401);
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void thisHostStaysTrustedWithOrWithoutItsOwnKey() throws Exception {
    RawHttp.Answer keyless = RawHttp.post("127.0.0.1", portcullis.port(), "/v1/ollama/chat/completions", Map.of(),
        OLLAMA_BODY);
    assertThat(keyless.status()).isEqualTo(200);
    RawHttp.Answer ownKey = RawHttp.post("127.0.0.1", portcullis.port(), "/v1/ollama/chat/completions",
        Map.of("Authorization", "Bearer my-own-ollama-key"), OLLAMA_BODY);
    assertThat(ownKey.status()).isEqualTo(200);
    assertThat(upstream.received()).hasSize(2);
    assertThat(upstream.received().get(1).header("Authorization")).isEqualTo("Bearer my-own-ollama-key");
  }

  @Test
  void aJunkNonBearerKeyToBedrockInIamModeIsNeverSignedWithTheServersIdentity() throws Exception {
    RawHttp.Answer answer = RawHttp.post("127.0.0.1", portcullis.port(), "/v1/bedrock" + CONVERSE,
        Map.of("x-api-key", "x"), CONVERSE_BODY);
    for (RecordedRequest received : upstream.received()) {
      assertThat(received.header("Authorization")).as("nothing signed with the server's AWS identity")
          .doesNotStartWith("AWS4-HMAC-SHA256");
    }
    assertThat(answer.status()).isEqualTo(401);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aVirtualKeyFromAnyAddressIsServedWithTheServerIdentity() throws Exception {
    RawHttp.Answer answer = RawHttp.post(SIDECAR, portcullis.port(), "/v1/gemini" + GENERATE,
        Map.of("x-goog-api-key", virtualKey), GEMINI_BODY);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    RecordedRequest received = upstream.last();
    assertThat(received.path()).startsWith("/v1/projects/test-project/");
    assertThat(received.header("Authorization")).startsWith("Bearer ");
    assertThat(received.header("x-goog-api-key")).isNull();
    assertThat(received.header("Authorization")).doesNotContain(virtualKey);
  }
}
