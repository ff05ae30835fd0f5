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

/** A gateway without provider processes answers 503 in the API's format, saying what discovery knows. */
class ProviderUnavailableTest {

  private static PortcullisUnderTest portcullis;

  @BeforeAll
  static void start() {
    portcullis = PortcullisUnderTest.start(Map.of("PORTCULLIS_ROLES", "gateway,auth"));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
  }

  @Test
  void noProviderInstanceGivesA503ThatSaysSo() throws Exception {
    HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder()
        .uri(URI.create(portcullis.providerUrl("openai") + "/chat/completions"))
        .header("Authorization", "Bearer sk-client").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o\",\"messages\":[]}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(503);
    String message = new JsonObject(response.body()).getJsonObject("error").getString("message");
    assertThat(message).contains("no provider verticle answers portcullis.provider.openai")
        .contains("no openai provider instance has registered in service discovery");
  }
}
