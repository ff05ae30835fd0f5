package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A virtual key presented wherever each API carries its key (Bearer, {@code x-api-key},
 * {@code x-goog-api-key}, {@code ?key=}, {@code api-key}) is replaced by the stored provider key in
 * that provider's own header, and appears nowhere in what the upstream receives.
 */
class VirtualKeyNeverLeavesTheProxyTest {

  private static final String JSON = "{\"ok\":true}";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static String virtualKey;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.onPrefix("POST", "/", RecordingUpstream.json(200, JSON));
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic"),
        "ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("/gemini"),
        "ARCHESTRA_COHERE_BASE_URL", upstream.baseUrl("/cohere"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl("/bedrock"),
        "ARCHESTRA_AZURE_OPENAI_BASE_URL", upstream.baseUrl("/azure/openai/v1")));
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    JsonArray keyIds = new JsonArray();
    for (String provider : List.of("anthropic", "gemini", "cohere", "bedrock", "azure")) {
      keyIds.add(admin.create("provider-keys", new JsonObject().put("provider", provider).put("name", provider)
          .put("apiKey", "stored-" + provider + "-key")).getString("id"));
    }
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "everywhere").put("providerKeyIds", keyIds))
        .getString("key");
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  private static RecordedRequest call(String path, String header, String body) throws Exception {
    upstream.reset();
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(portcullis.url(path)))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (header != null) {
      builder.header(header, header.equals("Authorization") ? "Bearer " + virtualKey : virtualKey);
    }
    HttpResponse<String> response = HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(path + ": " + response.body()).isEqualTo(200);
    RecordedRequest received = upstream.last();
    String everything = received.path() + "?" + received.query() + " " + received.headers() + " " + received.bodyText();
    assertThat(everything).as("what the upstream received").doesNotContain(virtualKey).doesNotContain("pc-vk-");
    return received;
  }

  @Test
  void anthropicGetsTheStoredKeyAsXApiKey() throws Exception {
    String body = "{\"model\":\"claude-x\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
    assertThat(call("/v1/anthropic/v1/messages", "x-api-key", body).header("x-api-key")).isEqualTo("stored-anthropic-key");
    assertThat(call("/v1/anthropic/v1/messages", "Authorization", body).header("x-api-key")).isEqualTo("stored-anthropic-key");
  }

  @Test
  void geminiGetsTheStoredKeyAsXGoogApiKeyWhateverCarriedTheVirtualKey() throws Exception {
    String body = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";
    String path = "/v1/gemini/v1beta/models/gemini-pro:generateContent";
    assertThat(call(path, "x-goog-api-key", body).header("x-goog-api-key")).isEqualTo("stored-gemini-key");
    RecordedRequest viaQuery = call(path + "?key=" + virtualKey + "&alt=json", null, body);
    assertThat(viaQuery.header("x-goog-api-key")).isEqualTo("stored-gemini-key");
    assertThat(viaQuery.query()).isEqualTo("alt=json");
  }

  @Test
  void cohereAndBedrockGetTheStoredKeyAsBearer() throws Exception {
    assertThat(call("/v1/cohere/v2/chat", "Authorization", "{\"model\":\"command-a\",\"messages\":[]}")
        .header("Authorization")).isEqualTo("Bearer stored-cohere-key");
    assertThat(call("/v1/bedrock/model/amazon.nova-pro-v1%3A0/converse", "Authorization", "{\"messages\":[]}")
        .header("Authorization")).isEqualTo("Bearer stored-bedrock-key");
  }

  @Test
  void azureGetsTheStoredKeyAsApiKey() throws Exception {
    RecordedRequest received = call("/v1/azure/chat/completions", "api-key", "{\"model\":\"gpt-4o\",\"messages\":[]}");
    assertThat(received.header("api-key")).isEqualTo("stored-azure-key");
    assertThat(received.header("Authorization")).isNull();
  }
}
