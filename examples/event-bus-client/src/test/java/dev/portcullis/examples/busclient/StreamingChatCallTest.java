package dev.portcullis.examples.busclient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.compat.OpenAiCompatibleProviderVerticle;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example's call against a real openai provider verticle (one Vert.x, same protocol and codecs). */
class StreamingChatCallTest {

  private Vertx vertx;
  private Vertx upstreamVertx;
  private RecordingUpstream upstream;

  @BeforeEach
  void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    Settings settings = new Settings(new JsonObject()
        .put("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
    vertx.deployVerticle(new OpenAiCompatibleProviderVerticle(Providers.require("openai"), settings,
        ProviderSettings.from(settings), new SimpleMeterRegistry())).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
    upstream.close();
    upstreamVertx.close().await();
  }

  private Future<Usage> call(UpstreamCredential credential, String authorization, List<String> chunks) {
    Promise<Usage> result = Promise.promise();
    vertx.runOnContext(v -> new StreamingChatCall(vertx, 5_000)
        .stream("gpt-4o", Buffer.buffer("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"), credential,
            authorization, chunk -> {
              synchronized (chunks) {
                chunks.add(chunk.toString());
              }
            })
        .onComplete(result));
    return result.future();
  }

  @Test
  void chunksArriveInOrderAndTheStreamEndsWithUsage() {
    List<String> events = OpenAiWire.chatTextStream("gpt-4o", List.of("Hello", " from", " the bus"), 5, 3);
    SseScript script = SseScript.create();
    events.forEach(event -> script.data(event).delay(10));
    script.data("[DONE]");
    upstream.on("POST", "/v1/chat/completions", script);

    List<String> received = new ArrayList<>();
    Usage usage = call(null, "Bearer sk-caller-own", received).await();

    StringBuilder expected = new StringBuilder();
    events.forEach(e -> expected.append("data: ").append(e).append("\n\n"));
    expected.append("data: [DONE]\n\n");
    assertThat(String.join("", received)).isEqualTo(expected.toString());
    assertThat(received.size()).as("delivered as it arrived, not as one piece").isGreaterThan(1);
    assertThat(usage.inputTokens()).isEqualTo(5);
    assertThat(usage.outputTokens()).isEqualTo(3);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer sk-caller-own");
  }

  @Test
  void anUpstreamErrorFailsTheCallWithItsStatus() {
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(401,
        OpenAiWire.error("invalid_request_error", "bad key", "invalid_api_key")));
    UpstreamCredential stored = new UpstreamCredential("sk-in-the-credential", null, Map.of(), false);
    assertThatThrownBy(() -> call(stored, null, new ArrayList<>()).await())
        .isInstanceOf(GatewayException.class).hasMessageContaining("401");
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer sk-in-the-credential");
  }
}
