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
import org.junit.jupiter.api.Timeout;

/** Without {@code ARCHESTRA_BEDROCK_BASE_URL}, Bedrock's routes say, in Bedrock's format, what to set. */
@Timeout(20)
class BedrockNotConfiguredTest {

  private static PortcullisUnderTest portcullis;

  @BeforeAll
  static void start() {
    portcullis = PortcullisUnderTest.start(Map.of());
  }

  @AfterAll
  static void stop() {
    portcullis.close();
  }

  @Test
  void everyRouteAnswersThatBedrockNeedsItsBaseUrl() throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    for (HttpRequest request : new HttpRequest[] {
        HttpRequest.newBuilder().uri(URI.create(portcullis.providerUrl("bedrock") + "/model/amazon.nova-pro-v1%3A0/converse"))
            .header("Authorization", "Bearer key").POST(HttpRequest.BodyPublishers.ofString("{\"messages\":[]}")).build(),
        HttpRequest.newBuilder().uri(URI.create(portcullis.providerUrl("bedrock") + "/models"))
            .header("Authorization", "Bearer key").GET().build()}) {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(503);
      assertThat(response.headers().firstValue("x-amzn-ErrorType")).hasValue("ServiceUnavailableException");
      assertThat(new JsonObject(response.body()).getString("message")).contains("ARCHESTRA_BEDROCK_BASE_URL");
    }
  }
}
