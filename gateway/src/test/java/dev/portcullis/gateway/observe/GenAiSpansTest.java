package dev.portcullis.gateway.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.provider.Operation;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.vertx.core.MultiMap;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a call's span says, from its start to its end, and what it never says. */
class GenAiSpansTest {

  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(exporter)).build())
      .setPropagators(ContextPropagators.create(TextMapPropagator.composite(W3CTraceContextPropagator.getInstance(),
          W3CBaggagePropagator.getInstance())))
      .build();
  private final GenAiSpans spans = new GenAiSpans(sdk, false);

  @AfterEach
  void close() {
    sdk.close();
  }

  @Test
  void aCallIsAClientSpanNamedAfterItsOperationAndModelAndEndsWithItsUsage() {
    Span server = sdk.getTracer("test").spanBuilder("POST").setSpanKind(SpanKind.SERVER).startSpan();
    GenAiSpans.CallSpan call = spans.start(Context.root().with(server), "anthropic", Operation.MESSAGES,
        "claude-sonnet-4-5", true, "proxy-1", "req_1", "virtual_key");
    call.end(200, new Usage("claude-sonnet-4-5-20250929", 120, 30, 100, 10, -1), "completed");
    server.end();

    SpanData span = exporter.getFinishedSpanItems().get(0);
    assertThat(span.getName()).isEqualTo("chat claude-sonnet-4-5");
    assertThat(span.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(span.getParentSpanId()).isEqualTo(server.getSpanContext().getSpanId());
    assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(span.getAttributes().asMap().entrySet().stream()
        .collect(java.util.stream.Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue)))
        .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
            Map.entry("gen_ai.operation.name", "chat"),
            Map.entry("gen_ai.provider.name", "anthropic"),
            Map.entry("gen_ai.system", "anthropic"),
            Map.entry("gen_ai.request.model", "claude-sonnet-4-5"),
            Map.entry("gen_ai.response.model", "claude-sonnet-4-5-20250929"),
            Map.entry("gen_ai.usage.input_tokens", 120L),
            Map.entry("gen_ai.usage.output_tokens", 30L),
            Map.entry("gen_ai.usage.cache_read.input_tokens", 100L),
            Map.entry("gen_ai.usage.cache_creation.input_tokens", 10L),
            Map.entry("portcullis.llm_proxy.id", "proxy-1"),
            Map.entry("portcullis.request.id", "req_1"),
            Map.entry("portcullis.caller.kind", "virtual_key"),
            Map.entry("portcullis.stream", true),
            Map.entry("portcullis.outcome", "completed")));
  }

  @Test
  void aFailedCallNamesItsStatusOrHowItsStreamEnded() {
    spans.start(Context.root(), "openai", Operation.CHAT_COMPLETIONS, "gpt-4o", false, null, "req_1", "passthrough")
        .end(502, null, "error");
    spans.start(Context.root(), "openai", Operation.CHAT_COMPLETIONS, "gpt-4o", true, null, "req_2", "passthrough")
        .end(200, Usage.UNKNOWN, "failed");
    spans.start(Context.root(), "openai", Operation.CHAT_COMPLETIONS, null, true, null, "req_3", "passthrough")
        .end(499, null, "client_closed");

    assertThat(exporter.getFinishedSpanItems()).extracting(s -> s.getAttributes().get(GenAiSpans.ERROR_TYPE))
        .containsExactly("502", "failed", "499");
    assertThat(exporter.getFinishedSpanItems()).allMatch(s -> s.getStatus().getStatusCode() == StatusCode.ERROR);
    assertThat(exporter.getFinishedSpanItems().get(2).getName()).isEqualTo("chat");
    assertThat(exporter.getFinishedSpanItems().get(1).getAttributes().get(GenAiSpans.INPUT_TOKENS)).isNull();
  }

  @Test
  void everyLlmOperationHasAConventionalNameAndTheOthersNoSpan() {
    assertThat(GenAiSpans.operationName(Operation.RESPONSES)).isEqualTo("chat");
    assertThat(GenAiSpans.operationName(Operation.CONVERSE_STREAM)).isEqualTo("chat");
    assertThat(GenAiSpans.operationName(Operation.ROUTER_CHAT_COMPLETIONS)).isEqualTo("chat");
    assertThat(GenAiSpans.operationName(Operation.STREAM_GENERATE_CONTENT)).isEqualTo("generate_content");
    assertThat(GenAiSpans.operationName(Operation.EMBEDDINGS)).isEqualTo("embeddings");
    assertThat(Arrays.stream(Operation.values()).filter(op -> GenAiSpans.operationName(op) == null))
        .containsExactlyInAnyOrder(Operation.MODELS, Operation.ROUTER_MODELS, Operation.COUNT_TOKENS,
            Operation.MESSAGES_COUNT_TOKENS);
    assertThat(spans.start(Context.root(), "openai", Operation.MODELS, null, false, null, "req_1", "passthrough"))
        .isNull();
    assertThat(exporter.getFinishedSpanItems()).isEmpty();
  }

  @Test
  void providersAreNamedAsTheConventionsNameThem() {
    assertThat(spans.providerName("azure")).isEqualTo("azure.ai.openai");
    assertThat(spans.providerName("bedrock")).isEqualTo("aws.bedrock");
    assertThat(spans.providerName("gemini")).isEqualTo("gcp.gemini");
    assertThat(new GenAiSpans(sdk, true).providerName("gemini")).isEqualTo("gcp.vertex_ai");
    assertThat(spans.providerName("mistral")).isEqualTo("mistral_ai");
    assertThat(spans.providerName("xai")).isEqualTo("x_ai");
    assertThat(spans.providerName("groq")).isEqualTo("groq");
    assertThat(spans.providerName("ollama")).isEqualTo("ollama");
  }

  @Test
  void theClientsTraceHeadersAreLeftOutOfTheUpstreamCall() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Traceparent", "00-abc-def-01")
        .add("tracestate", "a=b").add("baggage", "k=v").add("x-custom", "kept");

    spans.removePropagationHeaders(headers);

    assertThat(headers.names()).containsExactly("x-custom");
  }
}
