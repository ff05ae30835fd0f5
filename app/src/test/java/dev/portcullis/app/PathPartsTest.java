package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Values that become upstream path segments (issue 10, point 7): a Gemini or Bedrock model id in
 * the path, a Bedrock {@code modelId} or Azure deployment in the body, a model router's native id.
 * Whatever could change the upstream path ({@code %2F}, {@code %3F}, {@code %23}, dot segments,
 * control characters, double encoding) is a 400 in the API's format and nothing goes upstream;
 * Bedrock ARNs, whose {@code %2F} and {@code %3A} stay inside their segment, keep working.
 */
class PathPartsTest {

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static String routerProxyId;
  private static String virtualKey;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl("/bedrock"),
        "ARCHESTRA_AZURE_OPENAI_BASE_URL", upstream.baseUrl("/res/openai")));
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    routerProxyId = admin.create("llm-proxies", new JsonObject().put("name", "paths")).getString("id");
    String keyId = admin.create("provider-keys", new JsonObject().put("provider", "bedrock").put("name", "team")
        .put("apiKey", "bedrock-api-key-stored")).getString("id");
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "paths")
        .put("providerKeyIds", new JsonArray().add(keyId))).getString("key");
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static HttpResponse<String> post(String path, String body, String... headers) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(portcullis.url(path)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      builder.header(headers[i], headers[i + 1]);
    }
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void geminiModelIdsThatWouldMoveThePathAre400() throws Exception {
    String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
    for (String model : new String[] {"gemini%2F..%2F..%2FcachedContents", "gemini%3Fkey%3Dx", "gemini%23x",
        "%2E%2E", "..", "gemini%00x", "gemini%252Fx", "gemini%5Cx"}) {
      HttpResponse<String> response = post("/v1/gemini/v1beta/models/" + model + ":generateContent", body,
          "x-goog-api-key", "AIza-client-key");
      assertThat(response.statusCode()).as(model).isEqualTo(400);
      JsonObject error = new JsonObject(response.body()).getJsonObject("error");
      assertThat(error.getString("status")).isEqualTo("INVALID_ARGUMENT");
      assertThat(error.getString("message")).contains("model");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aPlainGeminiModelIdStillGoesThrough() throws Exception {
    upstream.on("POST", "/gemini/v1beta/models/gemini-2.5-flash:generateContent",
        RecordingUpstream.json(200, GeminiWire.generateContent("gemini-2.5-flash-001", "Hello", 2, 1)));
    HttpResponse<String> response = post("/v1/gemini/v1beta/models/gemini-2.5-flash:generateContent",
        "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}", "x-goog-api-key", "AIza-client-key");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void bedrockPathIdsThatWouldMoveThePathAre400() throws Exception {
    for (String model : new String[] {"us.anthropic.x%2F..%2F..%2Fguardrail", "arn%3Aaws%2F%2Fx", "x%3Fy", "x%23y",
        "x%5Cy", "x%0Ay", "x%252Fy", "%2F"}) {
      HttpResponse<String> response = post("/v1/bedrock/model/" + model + "/converse", "{\"messages\":[]}",
          "Authorization", "Bearer bedrock-client-key");
      assertThat(response.statusCode()).as(model).isEqualTo(400);
      assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
      assertThat(new JsonObject(response.body()).getString("message")).contains("modelId");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aBedrockArnWithEncodedSlashAndColonsStillGoesThrough() throws Exception {
    String encodedArn = "arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Aapplication-inference-profile%2Fabc123";
    upstream.on("POST", "/bedrock/model/" + encodedArn + "/converse",
        RecordingUpstream.json(200, BedrockWire.converse("Hello!", 3, 2)));
    HttpResponse<String> response = post("/v1/bedrock/model/" + encodedArn + "/converse",
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]}", "Authorization", "Bearer bedrock-client-key");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void bedrockModelIdsInTheBodyThatWouldMoveThePathAre400() throws Exception {
    for (String modelId : new String[] {"..", ".", "arn:aws:bedrock:us-east-1:1:application-inference-profile/../x",
        "a//b", "x?y"}) {
      HttpResponse<String> response = post("/v1/bedrock/converse",
          new JsonObject().put("modelId", modelId).put("messages", new JsonArray()).encode(),
          "Authorization", "Bearer bedrock-client-key");
      assertThat(response.statusCode()).as(modelId).isEqualTo(400);
      assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("ValidationException");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void azureDeploymentsThatWouldMoveThePathAre400() throws Exception {
    for (String deployment : new String[] {"..", ".", "a/b", "a?b", "a#b", "a\u0001b"}) {
      HttpResponse<String> response = post("/v1/azure/chat/completions",
          new JsonObject().put("model", deployment).put("messages", new JsonArray()).encode(),
          "api-key", "azure-client-key");
      assertThat(response.statusCode()).as(deployment).isEqualTo(400);
      JsonObject error = new JsonObject(response.body()).getJsonObject("error");
      assertThat(error.getString("type")).isEqualTo("invalid_request_error");
      assertThat(error.getString("param")).isEqualTo("model");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void modelRouterNativeIdsThatWouldMoveThePathAre400() throws Exception {
    for (String model : new String[] {"bedrock:..", "bedrock:a/../b", "bedrock:x?y", "bedrock:./x"}) {
      HttpResponse<String> response = post("/v1/model-router/" + routerProxyId + "/chat/completions",
          new JsonObject().put("model", model).put("messages", new JsonArray()
              .add(new JsonObject().put("role", "user").put("content", "hi"))).encode(),
          "Authorization", "Bearer " + virtualKey);
      assertThat(response.statusCode()).as(model).isEqualTo(400);
      assertThat(new JsonObject(response.body()).getJsonObject("error").getString("param")).isEqualTo("model");
    }
    assertThat(upstream.received()).isEmpty();
  }
}
