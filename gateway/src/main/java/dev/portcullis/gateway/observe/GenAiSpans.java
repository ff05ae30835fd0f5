package dev.portcullis.gateway.observe;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.provider.Operation;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.MultiMap;
import io.vertx.tracing.opentelemetry.VertxContextStorageProvider.VertxContextStorage;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The OpenTelemetry span of each LLM call, after the GenAI semantic conventions
 * (opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans): kind CLIENT, named
 * {@code {gen_ai.operation.name} {gen_ai.request.model}}, a child of the gateway's HTTP server
 * span (Vert.x's tracer made it from the client's {@code traceparent}, or as a new trace), and the
 * parent of the bus request that carries the call, so the provider's upstream HTTP call is in the
 * same trace. It is started when the call is sent and ended when the call is recorded, however it
 * ended, with the answer's model and token counts.
 *
 * <p>Only what the access log may hold goes into it: never a key, a header, a prompt or an answer.
 * Made only when tracing is on (the app hands it an SDK); otherwise the gateway has none and pays
 * nothing but a null check per call.
 */
public final class GenAiSpans {

  static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
  static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
  /** The older name of {@code gen_ai.provider.name}, still what many backends read: both are set. */
  static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("gen_ai.system");
  static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
  static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
  static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
  static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
  static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
  static final AttributeKey<Long> CACHE_WRITE_TOKENS =
      AttributeKey.longKey("gen_ai.usage.cache_creation.input_tokens");
  static final AttributeKey<Long> REASONING_TOKENS = AttributeKey.longKey("gen_ai.usage.reasoning.output_tokens");
  static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
  static final AttributeKey<String> PROXY_ID = AttributeKey.stringKey("portcullis.llm_proxy.id");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("portcullis.request.id");
  static final AttributeKey<String> CALLER_KIND = AttributeKey.stringKey("portcullis.caller.kind");
  static final AttributeKey<Boolean> STREAM = AttributeKey.booleanKey("portcullis.stream");
  static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("portcullis.outcome");

  /** Our provider names that the conventions spell otherwise; the rest keep ours. */
  private static final Map<String, String> PROVIDER_NAMES = Map.of(
      "azure", "azure.ai.openai",
      "bedrock", "aws.bedrock",
      "gemini", "gcp.gemini",
      "mistral", "mistral_ai",
      "xai", "x_ai");

  private final Tracer tracer;
  private final Collection<String> propagationHeaders;
  private final String gemini;

  /**
   * @param openTelemetry  the SDK the process traces with
   * @param geminiOnVertex whether Gemini calls go to Vertex AI ({@code gcp.vertex_ai}) rather
   *                       than the Gemini API ({@code gcp.gemini})
   */
  public GenAiSpans(OpenTelemetry openTelemetry, boolean geminiOnVertex) {
    this.tracer = openTelemetry.getTracer("dev.portcullis.gateway");
    this.propagationHeaders = List.copyOf(openTelemetry.getPropagators().getTextMapPropagator().fields());
    this.gemini = geminiOnVertex ? "gcp.vertex_ai" : "gcp.gemini";
  }

  /**
   * The trace context the current request runs in (the gateway's server span), read where Vert.x's
   * tracer keeps it. Call it on the request's own context, before any hop to another.
   */
  public Context callerContext() {
    Context current = VertxContextStorage.INSTANCE.current();
    return current == null ? Context.root() : current;
  }

  /**
   * Starts the span of a call sent to {@code provider}, or returns {@code null} when the operation
   * is no LLM call (a model list, a token count).
   *
   * @param parent     the trace context the call arrived with ({@link #callerContext()})
   * @param model      the model the call asks for, as sent upstream (may be {@code null})
   * @param callerKind who called, as the usage ledger names it ({@code UsageRecord.CallerKind#wire})
   */
  public CallSpan start(Context parent, String provider, Operation operation, String model, boolean stream,
      String proxyId, String requestId, String callerKind) {
    String operationName = operationName(operation);
    if (operationName == null) {
      return null;
    }
    String providerName = providerName(provider);
    Context parentContext = parent == null ? Context.root() : parent;
    SpanBuilder builder = tracer.spanBuilder(model == null ? operationName : operationName + " " + model)
        .setParent(parentContext)
        .setSpanKind(SpanKind.CLIENT)
        .setAttribute(OPERATION_NAME, operationName)
        .setAttribute(PROVIDER_NAME, providerName)
        .setAttribute(SYSTEM, providerName)
        .setAttribute(STREAM, stream)
        .setAttribute(REQUEST_ID, requestId)
        .setAttribute(CALLER_KIND, callerKind);
    if (model != null) {
      builder.setAttribute(REQUEST_MODEL, model);
    }
    if (proxyId != null) {
      builder.setAttribute(PROXY_ID, proxyId);
    }
    Span span = builder.startSpan();
    return new CallSpan(span, parentContext.with(span));
  }

  /**
   * Removes the client's trace headers ({@code traceparent}, {@code tracestate}, {@code baggage})
   * from what goes upstream: the upstream call carries this trace's own, injected by Vert.x's HTTP
   * client, which adds them beside any already there.
   */
  public void removePropagationHeaders(MultiMap upstreamHeaders) {
    for (String header : propagationHeaders) {
      upstreamHeaders.remove(header);
    }
  }

  /** The convention's {@code gen_ai.operation.name}, or {@code null} for an operation that is no LLM call. */
  static String operationName(Operation operation) {
    return switch (operation) {
      case CHAT_COMPLETIONS, RESPONSES, MESSAGES, CHAT, CONVERSE, CONVERSE_STREAM, INVOKE,
          INVOKE_WITH_RESPONSE_STREAM, ROUTER_CHAT_COMPLETIONS, ROUTER_RESPONSES -> "chat";
      case GENERATE_CONTENT, STREAM_GENERATE_CONTENT -> "generate_content";
      case EMBEDDINGS -> "embeddings";
      case MODELS, MESSAGES_COUNT_TOKENS, COUNT_TOKENS, ROUTER_MODELS -> null;
    };
  }

  /** The convention's {@code gen_ai.provider.name} for one of our providers. */
  String providerName(String provider) {
    if ("gemini".equals(provider)) {
      return gemini;
    }
    return PROVIDER_NAMES.getOrDefault(provider, provider);
  }

  /** One call's span, and the trace context the call's bus request is sent in. */
  public static final class CallSpan {

    private final Span span;
    private final Context context;

    private CallSpan(Span span, Context context) {
      this.span = span;
      this.context = context;
    }

    /**
     * Makes this span the current one on the current Vert.x context, where Vert.x's tracer looks
     * for the parent of the bus request sent before the scope is closed.
     */
    public Scope makeCurrent() {
      return VertxContextStorage.INSTANCE.attach(context);
    }

    /**
     * Ends the span with how the call ended: the answer's model and token counts when the
     * upstream reported them, and {@code error.type} (the status, or the outcome of a stream that
     * failed after its head) when it failed.
     */
    public void end(int status, Usage usage, String outcome) {
      if (usage != null) {
        if (usage.model() != null) {
          span.setAttribute(RESPONSE_MODEL, usage.model());
        }
        setCount(INPUT_TOKENS, usage.inputTokens());
        setCount(OUTPUT_TOKENS, usage.outputTokens());
        setCount(CACHE_READ_TOKENS, usage.cachedInputTokens());
        setCount(CACHE_WRITE_TOKENS, usage.cacheWriteTokens());
        setCount(REASONING_TOKENS, usage.reasoningTokens());
      }
      span.setAttribute(OUTCOME, outcome);
      if (status >= 400 || !"completed".equals(outcome)) {
        span.setAttribute(ERROR_TYPE, status >= 400 ? Integer.toString(status) : outcome);
        span.setStatus(StatusCode.ERROR);
      }
      span.end();
    }

    private void setCount(AttributeKey<Long> key, long count) {
      if (count >= 0) {
        span.setAttribute(key, count);
      }
    }
  }
}
