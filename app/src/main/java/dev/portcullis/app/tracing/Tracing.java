package dev.portcullis.app.tracing;

import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.gateway.observe.GenAiSpans;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VertxBuilder;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenTelemetry traces, on only when an OTLP endpoint is set ({@value #ENDPOINT} or
 * {@value #TRACES_ENDPOINT}) and {@value #SDK_DISABLED} is not true. Then the SDK is configured
 * by its own autoconfiguration from the standard {@code OTEL_*} settings, read like every other
 * setting (the environment, a {@code --config} file), and Vert.x gets a tracer: the gateway's HTTP
 * server takes the client's {@code traceparent}, the event bus carries the trace to the model
 * router and the provider verticles, the providers' HTTP client sends it upstream, and the gateway
 * adds a GenAI span per LLM call ({@link GenAiSpans}). Spans leave by OTLP over HTTP (protobuf by
 * default), sent by the JDK's HTTP client.
 *
 * <p>Off, there is no tracer at all: Vert.x then skips every tracing step, and the gateway makes
 * no span and looks up no trace context.
 *
 * <p>Only traces: {@code OTEL_METRICS_EXPORTER} and {@code OTEL_LOGS_EXPORTER} are always
 * {@code none} (metrics are Prometheus' on the metrics port, logs JSON lines on stdout). Every URL
 * a span records has its query values replaced ({@link QueryRedaction}): a Gemini key can travel
 * as {@code ?key=}. The gateway's {@code /health} and {@code /ready} are never sampled
 * ({@link ProbesUnsampled}), nor are the metrics port's scrapes.
 */
public final class Tracing {

  private static final Logger LOG = LoggerFactory.getLogger(Tracing.class);

  public static final String ENDPOINT = "OTEL_EXPORTER_OTLP_ENDPOINT";
  public static final String TRACES_ENDPOINT = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
  public static final String SDK_DISABLED = "OTEL_SDK_DISABLED";
  static final String TRACES_EXPORTER = "OTEL_TRACES_EXPORTER";
  static final String SERVICE_NAME = "portcullis";
  private static final String PREFIX = "OTEL_";
  /** The JDK sender speaks OTLP over HTTP only; gRPC would need OkHttp or grpc-java in the jar. */
  private static final String HTTP_PROTOBUF = "http/protobuf";

  private static final Tracing OFF = new Tracing(null);

  private final OpenTelemetrySdk sdk;

  private Tracing(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /** No tracing. */
  public static Tracing off() {
    return OFF;
  }

  /**
   * Tracing as the settings ask for it: off unless an OTLP endpoint is set.
   *
   * @throws SettingsException when an {@code OTEL_*} setting cannot be used
   */
  public static Tracing from(Settings settings) {
    return from(settings, null);
  }

  /**
   * As {@link #from(Settings)}, and with {@code extraExporter} (tests) every span also goes there
   * as it ends; tracing is then on even without an endpoint (and exports nowhere else).
   */
  public static Tracing from(Settings settings, SpanExporter extraExporter) {
    boolean endpoint = settings.string(ENDPOINT) != null || settings.string(TRACES_ENDPOINT) != null;
    boolean exporting = endpoint && !"none".equalsIgnoreCase(settings.string(TRACES_EXPORTER, "otlp"));
    if (settings.bool(SDK_DISABLED, false) || (!exporting && extraExporter == null)) {
      return OFF;
    }
    Map<String, String> fromSettings = otelProperties(settings);
    if (!exporting) {
      fromSettings.put("otel.traces.exporter", "none");
    }
    try {
      OpenTelemetrySdk sdk = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesCustomizer(config -> fromSettings)
          .addPropertiesCustomizer(Tracing::portcullisDefaults)
          .addTracerProviderCustomizer((tracerProvider, config) -> {
            tracerProvider.addSpanProcessor(new QueryRedaction());
            if (extraExporter != null) {
              tracerProvider.addSpanProcessor(SimpleSpanProcessor.create(extraExporter));
            }
            return tracerProvider;
          })
          .addSamplerCustomizer((sampler, config) -> new ProbesUnsampled(sampler))
          .disableShutdownHook()
          .build()
          .getOpenTelemetrySdk();
      LOG.info("tracing on: {}", exporting ? "spans go to " + endpointOf(settings) + " by OTLP" : "spans go to a test exporter only");
      return new Tracing(sdk);
    } catch (ConfigurationException e) {
      throw new SettingsException("OTEL_* (OpenTelemetry)", e.getMessage());
    }
  }

  /** Every {@code OTEL_*} setting, as the SDK's property ({@code OTEL_SERVICE_NAME}: {@code otel.service.name}). */
  private static Map<String, String> otelProperties(Settings settings) {
    Map<String, String> properties = new HashMap<>();
    for (String key : settings.json().fieldNames()) {
      if (key.startsWith(PREFIX)) {
        String value = settings.string(key);
        if (value != null) {
          properties.put(key.toLowerCase(Locale.ROOT).replace('_', '.'), value);
        }
      }
    }
    return properties;
  }

  /**
   * What Portcullis sets unless told otherwise: the service name {@value #SERVICE_NAME} (unless
   * {@code OTEL_SERVICE_NAME} or a {@code service.name} in {@code OTEL_RESOURCE_ATTRIBUTES} names
   * one), OTLP over HTTP with protobuf, and no metrics or logs export.
   */
  private static Map<String, String> portcullisDefaults(ConfigProperties config) {
    Map<String, String> defaults = new HashMap<>();
    if (config.getString("otel.service.name") == null
        && !config.getMap("otel.resource.attributes").containsKey("service.name")) {
      defaults.put("otel.service.name", SERVICE_NAME);
    }
    String protocol = config.getString("otel.exporter.otlp.traces.protocol",
        config.getString("otel.exporter.otlp.protocol"));
    if (protocol == null) {
      defaults.put("otel.exporter.otlp.protocol", HTTP_PROTOBUF);
    } else if (protocol.equals("grpc")) {
      throw new ConfigurationException("OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: Portcullis sends OTLP"
          + " over HTTP (http/protobuf, the default, or http/json), usually to port 4318");
    }
    defaults.put("otel.metrics.exporter", "none");
    defaults.put("otel.logs.exporter", "none");
    return defaults;
  }

  private static String endpointOf(Settings settings) {
    String traces = settings.string(TRACES_ENDPOINT);
    return traces != null ? traces : settings.string(ENDPOINT);
  }

  public boolean enabled() {
    return sdk != null;
  }

  /** The SDK, or {@code null} when tracing is off. */
  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Gives a Vert.x instance its tracer when tracing is on; leaves it without one otherwise. */
  public VertxBuilder applyTo(VertxBuilder builder) {
    return sdk == null ? builder : builder.withTracer(new OpenTelemetryTracingFactory(sdk));
  }

  /** The gateway's GenAI spans, or {@code null} when tracing is off. */
  public GenAiSpans genAiSpans(Settings settings) {
    if (sdk == null) {
      return null;
    }
    boolean geminiOnVertex = Providers.named("gemini").serverIdentity().enabledIn(settings);
    return new GenAiSpans(sdk, geminiOnVertex);
  }

  /**
   * Exports the spans still buffered and stops the SDK; at once when off. A collector that does
   * not answer holds it no longer than the exporter's timeout ({@code OTEL_EXPORTER_OTLP_TIMEOUT},
   * 10 s).
   */
  public Future<Void> shutdown() {
    if (sdk == null) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    sdk.shutdown().whenComplete(done::tryComplete);
    return done.future();
  }
}
