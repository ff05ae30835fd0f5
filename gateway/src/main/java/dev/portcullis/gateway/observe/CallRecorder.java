package dev.portcullis.gateway.observe;

import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.metrics.BoundedLabels;
import dev.portcullis.common.metrics.LatencyBuckets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each finished call into one JSON access-log line and its metrics. Label values are
 * bounded: provider and operation come from the route table; the model comes from the upstream's
 * answer or, when it names none, the request, so it is checked (a model id's characters, at most
 * {@value #MAX_MODEL_LENGTH} of them) and at most {@value #MAX_MODEL_LABELS} distinct models get
 * their own series, the rest counting as {@code other}: a client cannot grow the registry.
 */
public final class CallRecorder {

  private static final Logger ACCESS = LoggerFactory.getLogger("portcullis.access");

  private final MeterRegistry registry;
  // Meters are looked up once per label set: building and registering a meter on every call would
  // make a new id and sort its tags each time, on the event loop. One recorder per gateway
  // verticle instance, so its maps are only touched from that instance's event loop.
  private final Map<String, Counter> requests = new HashMap<>();
  private final Map<String, Timer> durations = new HashMap<>();
  private final Map<String, Timer> firstBytes = new HashMap<>();
  private final Map<String, Counter> tokens = new HashMap<>();
  static final int MAX_MODEL_LABELS = 1000;
  static final int MAX_MODEL_LENGTH = BoundedLabels.MAX_LENGTH;
  private final BoundedLabels modelLabels = new BoundedLabels(MAX_MODEL_LABELS, "unknown");

  public CallRecorder(MeterRegistry registry) {
    this.registry = registry;
  }

  public void record(CallRecord call) {
    String provider = call.provider();
    String route = call.operation();
    requests.computeIfAbsent(provider + '\0' + route + '\0' + call.status(), k -> Counter.builder("portcullis.requests")
        .description("Calls answered by the gateway")
        .tag("provider", provider)
        .tag("route", route)
        .tag("status", Integer.toString(call.status()))
        .register(registry)).increment();
    durations.computeIfAbsent(provider + '\0' + route + '\0' + call.stream(), k -> Timer.builder("portcullis.request.duration")
        .description("End-to-end time of a call, from its arrival to the last byte written")
        .tag("provider", provider)
        .tag("route", route)
        .tag("stream", Boolean.toString(call.stream()))
        .serviceLevelObjectives(LatencyBuckets.bounds())
        .register(registry)).record(call.durationNanos(), TimeUnit.NANOSECONDS);
    if (call.stream() && call.firstByteNanos() > 0) {
      firstBytes.computeIfAbsent(provider + '\0' + route, k -> Timer.builder("portcullis.stream.ttfb")
          .description("Time from a streamed call's arrival to its first byte of answer")
          .tag("provider", provider)
          .tag("route", route)
          .serviceLevelObjectives(LatencyBuckets.bounds())
          .register(registry)).record(call.firstByteNanos(), TimeUnit.NANOSECONDS);
    }
    Usage usage = call.usage();
    if (usage != null && usage.known()) {
      String model = modelLabels.label(usage.model());
      if (usage.inputTokens() > 0) {
        tokens(provider, model, "input").increment(usage.inputTokens());
      }
      if (usage.outputTokens() > 0) {
        tokens(provider, model, "output").increment(usage.outputTokens());
      }
    }
    log(call);
  }

  private Counter tokens(String provider, String model, String direction) {
    return tokens.computeIfAbsent(provider + '\0' + model + '\0' + direction, k -> Counter.builder("portcullis.tokens")
        .description("Tokens counted from upstream answers")
        .tag("provider", provider)
        .tag("model", model)
        .tag("direction", direction)
        .register(registry));
  }

  private static void log(CallRecord call) {
    if (!ACCESS.isInfoEnabled()) {
      return;
    }
    Usage usage = call.usage() == null ? Usage.UNKNOWN : call.usage();
    ACCESS.atInfo()
        .addKeyValue("requestId", call.requestId())
        .addKeyValue("method", call.method())
        .addKeyValue("path", call.path())
        .addKeyValue("provider", call.provider())
        .addKeyValue("route", call.operation())
        .addKeyValue("proxyId", call.proxyId())
        .addKeyValue("stream", call.stream())
        .addKeyValue("status", call.status())
        .addKeyValue("outcome", call.outcome())
        .addKeyValue("durationMs", call.durationNanos() / 1_000_000.0)
        .addKeyValue("ttfbMs", call.firstByteNanos() > 0 ? call.firstByteNanos() / 1_000_000.0 : null)
        .addKeyValue("model", usage.model() == null || usage.model().length() <= MAX_MODEL_LENGTH ? usage.model()
            : usage.model().substring(0, MAX_MODEL_LENGTH) + "...")
        .addKeyValue("inputTokens", usage.inputTokens() >= 0 ? usage.inputTokens() : null)
        .addKeyValue("outputTokens", usage.outputTokens() >= 0 ? usage.outputTokens() : null)
        .log("access");
  }
}
