package dev.portcullis.app.tracing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;
import java.util.Set;

/**
 * The configured sampler, except that the gateway's health and readiness probes are never
 * sampled: an orchestrator asks them every few seconds, and each would be a trace of its own.
 * Vert.x's tracer sets a request's attributes before it starts the span, so {@code url.path} is
 * there to decide on.
 */
final class ProbesUnsampled implements Sampler {

  static final Set<String> PROBES = Set.of("/health", "/ready");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");

  private final Sampler sampler;

  ProbesUnsampled(Sampler sampler) {
    this.sampler = sampler;
  }

  @Override
  public SamplingResult shouldSample(Context parentContext, String traceId, String name, SpanKind spanKind,
      Attributes attributes, List<LinkData> parentLinks) {
    // A server span of the event bus has no url.path (and Set.of(...) takes no null).
    String path = spanKind == SpanKind.SERVER ? attributes.get(PATH) : null;
    if (path != null && PROBES.contains(path)) {
      return SamplingResult.drop();
    }
    return sampler.shouldSample(parentContext, traceId, name, spanKind, attributes, parentLinks);
  }

  @Override
  public String getDescription() {
    return "ProbesUnsampled{" + sampler.getDescription() + "}";
  }
}
