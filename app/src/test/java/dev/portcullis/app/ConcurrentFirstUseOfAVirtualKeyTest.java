package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A virtual key costs what a passthrough call costs: twenty calls that all arrive with one key the
 * gateway has never seen, spread over two gateway event loops, make one lookup at auth-service,
 * and later calls make none.
 */
class ConcurrentFirstUseOfAVirtualKeyTest {

  private static final String STORED_KEY = "sk-stored-provider-key-single-flight-01";
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static final AtomicInteger verifyRequests = new AtomicInteger();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "hi", 2, 1)));
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        Portcullis.GATEWAY_INSTANCES, "2"));
    Vertx vertx = portcullis.portcullis().vertx();
    vertx.eventBus().addOutboundInterceptor(delivery -> {
      if (Addresses.AUTH_VERIFY.equals(delivery.message().address())) {
        verifyRequests.incrementAndGet();
        // A slow store: the lookup is still in flight when the other calls arrive.
        vertx.setTimer(300, t -> delivery.next());
      } else {
        delivery.next();
      }
    });
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @Test
  void twentyConcurrentCallsWithOneNewVirtualKeyMakeOneLookup() {
    String providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team-openai").put("apiKey", STORED_KEY)).getString("id");
    String key = admin.create("virtual-keys", new JsonObject().put("name", "k-" + System.nanoTime())
        .put("providerKeyIds", new JsonArray().add(providerKeyId))).getString("key");
    int before = verifyRequests.get();

    // One client per call: twenty connections, spread over the gateway's event loops.
    List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      calls.add(HttpClient.newHttpClient().sendAsync(HttpRequest.newBuilder(
              URI.create(portcullis.url("/v1/openai/chat/completions")))
          .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(BODY)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    for (CompletableFuture<HttpResponse<String>> call : calls) {
      assertThat(call.join().statusCode()).isEqualTo(200);
    }
    assertThat(verifyRequests.get() - before).as("lookups at auth-service for 20 concurrent first uses").isEqualTo(1);
    assertThat(upstream.received()).hasSize(20)
        .allSatisfy(request -> assertThat(request.header("Authorization")).isEqualTo("Bearer " + STORED_KEY));
  }
}
