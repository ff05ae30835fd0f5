package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.VertxInternal;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The settings path: {@code OTEL_EXPORTER_OTLP_ENDPOINT} alone turns tracing on, and the spans of
 * a call reach that endpoint as an OTLP/HTTP protobuf POST to {@code /v1/traces}, named after the
 * service {@code portcullis}. Without it, a call traces nothing and the collector hears nothing.
 */
class OtlpExportTest {

  @Test
  void spansReachTheOtlpEndpointAsProtobuf() throws Exception {
    Vertx vertx = Vertx.vertx();
    RecordingUpstream collector = RecordingUpstream.start(vertx);
    RecordingUpstream upstream = RecordingUpstream.start(vertx);
    collector.on("POST", "/v1/traces", (request, body) -> request.response().setStatusCode(200)
        .putHeader("content-type", "application/x-protobuf").end(Buffer.buffer()));
    upstream.on("POST", "/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 3, 1)));
    try (PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "OTEL_EXPORTER_OTLP_ENDPOINT", collector.baseUrl(""),
        "OTEL_BSP_SCHEDULE_DELAY", "50"))) {
      OpenAIClient client = client(portcullis);
      client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi")
          .build());

      // The call's spans end at different times and may come in more than one batch; protobuf
      // carries strings as they are, so the GenAI span's name shows in the batch that holds it.
      StringBuilder exported = new StringBuilder();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!exported.toString().contains("chat gpt-4o") && System.nanoTime() < deadline) {
        RecordedRequest export = collector.awaitRequest(10, TimeUnit.SECONDS);
        assertThat(export.method()).isEqualTo("POST");
        assertThat(export.path()).isEqualTo("/v1/traces");
        assertThat(export.header("content-type")).isEqualTo("application/x-protobuf");
        exported.append(export.body().toString(StandardCharsets.ISO_8859_1));
      }
      assertThat(exported.toString()).contains("chat gpt-4o").contains("portcullis")
          .doesNotContain("sk-test-otlp-0123456789");
      client.close();
    } finally {
      collector.close();
      upstream.close();
      vertx.close().await();
    }
  }

  @Test
  void withoutAnEndpointVertxHasNoTracerAndTheClientsTraceHeadersTravelUnchanged() throws Exception {
    Vertx vertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(vertx);
    upstream.on("POST", "/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 3, 1)));
    String traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    try (PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")))) {
      OpenAIClient client = client(portcullis);
      client.chat().completions().create(ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi")
          .putAdditionalHeader("traceparent", traceparent).putAdditionalHeader("tracestate", "vendor=1").build());

      // No tracer at all: Vert.x skips every tracing step.
      assertThat(((VertxInternal) portcullis.portcullis().vertx()).tracer()).isNull();
      // Portcullis takes no part in the trace: the upstream sees the client's own headers, once.
      assertThat(upstream.last().headers().getAll("traceparent")).containsExactly(traceparent);
      assertThat(upstream.last().headers().getAll("tracestate")).containsExactly("vendor=1");
      client.close();
    } finally {
      upstream.close();
      vertx.close().await();
    }
  }

  private static OpenAIClient client(PortcullisUnderTest portcullis) {
    return OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey("sk-test-otlp-0123456789")
        .maxRetries(0).build();
  }
}
