package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.cohere.CohereSettings;
import dev.portcullis.provider.cohere.CohereProviderVerticle;
import dev.portcullis.testkit.CohereWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which key reaches Cohere for each kind of {@link UpstreamCredential}, over the event bus as the
 * gateway sends the call (stored and server-side credentials come from auth-service).
 */
class CohereCredentialsTest {

  private Vertx vertx;
  private RecordingUpstream upstream;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = RecordingUpstream.start(vertx);
    upstream.on("POST", "/v2/chat", RecordingUpstream.json(200, CohereWire.chat("Hi", 3, 1)));
  }

  @AfterEach
  void stop() {
    upstream.close();
    vertx.close().await();
  }

  private void deploy(String defaultKey) {
    vertx.deployVerticle(new CohereProviderVerticle(new CohereSettings(upstream.baseUrl(""), defaultKey),
        new ProviderSettings(5_000, 2_000), new SimpleMeterRegistry())).await();
  }

  private Object send(UpstreamCredential credential, MultiMap headers) {
    ProxyRequest request = ProxyRequest.builder().provider("cohere").operation("chat").method("POST").path("/chat")
        .headers(headers).body(Buffer.buffer("{\"model\":\"command-a-03-2025\",\"messages\":[]}"))
        .credential(credential).requestId("req-test").model("command-a-03-2025").timeoutMs(5_000).build();
    return vertx.eventBus().request(Addresses.provider("cohere"), request).await().body();
  }

  @Test
  void aStoredKeyReplacesTheClientsAuthorization() {
    deploy(null);
    Object reply = send(new UpstreamCredential("co-stored-key", null, Map.of()),
        MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer pc-vk-virtual-key-that-must-not-leave"));
    assertThat(reply).isInstanceOf(ProxyResponse.class);
    assertThat(upstream.last().headers().getAll("Authorization")).containsExactly("Bearer co-stored-key");
  }

  @Test
  void theDefaultKeyIsUsedOnlyForServerSideCredentials() {
    deploy("co-default-key");
    send(UpstreamCredential.SERVER_SIDE, MultiMap.caseInsensitiveMultiMap());
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer co-default-key");
    send(null, MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer co-clients-own"));
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer co-clients-own");
  }

  @Test
  void aServerSideCallWithoutADefaultKeyIsRefused() {
    deploy(null);
    Object reply = send(UpstreamCredential.SERVER_SIDE, MultiMap.caseInsensitiveMultiMap());
    assertThat(reply).isInstanceOfSatisfying(GatewayError.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(e.message()).contains("ARCHESTRA_CHAT_COHERE_API_KEY");
    });
    assertThat(upstream.received()).isEmpty();
  }
}
