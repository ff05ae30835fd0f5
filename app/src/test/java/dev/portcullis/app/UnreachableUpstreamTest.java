package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** An upstream nobody listens on: 502, with a message naming the host and not the key. */
class UnreachableUpstreamTest {

  private static PortcullisUnderTest portcullis;
  private static int deadPort;

  @BeforeAll
  static void start() {
    deadPort = PortcullisUnderTest.freePort();
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", "http://127.0.0.1:" + deadPort + "/v1"));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
  }

  @Test
  void connectionRefusedIs502() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer sk-unreachable-secret").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(502);
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertThat(error.getString("message")).contains("127.0.0.1:" + deadPort).doesNotContain("sk-unreachable-secret");
    assertThat(error.getString("code")).isEqualTo("upstream_unreachable");
  }
}
