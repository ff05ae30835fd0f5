package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.http.ForwardedHeaders;
import dev.portcullis.gateway.auth.ClientCredential;
import dev.portcullis.gateway.observe.GenAiSpans;
import dev.portcullis.common.settings.UpstreamTimeoutSettings;
import dev.portcullis.common.settings.UpstreamTimeouts;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * How the call upstream is built from the client's request: the headers that may be forwarded
 * (hop-by-hop ones removed), the client's query and body as sent, and the credential that was
 * decided. When Portcullis supplies the credential the client's own (a virtual key or access
 * token) is removed from every header and query parameter it can hide in, so it never leaves
 * Portcullis.
 */
final class ProxyRequestAssembler {

  private final UpstreamTimeoutSettings timeouts;
  private final GenAiSpans spans;

  /** @param upstreamTimeoutMs how long the upstream may stay silent at any stage before the provider answers 504 */
  ProxyRequestAssembler(long upstreamTimeoutMs) {
    this(UpstreamTimeoutSettings.uniform(new UpstreamTimeouts(upstreamTimeoutMs, upstreamTimeoutMs,
        upstreamTimeoutMs)), null);
  }

  /**
   * @param timeouts each provider's upstream timeouts: a request's {@code timeoutMs} is the longest
   *                 its provider may leave it without a word ({@link UpstreamTimeouts#silenceMs}),
   *                 which every bus hop waits, plus its grace
   * @param spans with tracing on, the client's trace headers are left out (the upstream call gets
   *              the trace's own); {@code null} with tracing off, when they travel as they came
   */
  ProxyRequestAssembler(UpstreamTimeoutSettings timeouts, GenAiSpans spans) {
    this.timeouts = timeouts;
    this.spans = spans;
  }

  /** How long {@code provider}'s upstream may leave a call without a word (a request's {@code timeoutMs}). */
  long timeoutMsOf(String provider) {
    return timeouts.of(provider).silenceMs();
  }

  /**
   * The message for {@code provider}'s verticle (or for the model router, which passes it on).
   *
   * @param model the model the call names (in the body or the path), for the provider's records
   */
  ProxyRequest assemble(Call call, ClientRequest client, String provider, Admission admission, String model,
      Buffer body) {
    MultiMap headers = ForwardedHeaders.upstream(client.headers());
    String query = client.rawQuery();
    if (admission.removesClientCredential()) {
      ClientCredential.strip(headers);
      query = ClientCredential.queryWithoutKey(query);
    }
    if (spans != null) {
      spans.removePropagationHeaders(headers);
    }
    return ProxyRequest.builder()
        .provider(provider)
        .operation(call.route.operation().wireName())
        .method(client.method())
        .path(call.upstreamPath)
        .query(query)
        .headers(headers)
        .body(body == null ? Buffer.buffer() : body)
        .credential(admission.credential())
        .proxyId(admission.proxyId())
        .requestId(call.requestId)
        .model(model)
        .timeoutMs(timeouts.of(provider).silenceMs())
        .build();
  }
}
