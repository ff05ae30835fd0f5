package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.BusRequester;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.error.Failures;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;
import dev.portcullis.gateway.observe.GenAiSpans;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends a call over the bus and hands back the reply: a bus request for a whole answer, or, for a
 * streamed one, a {@link StreamReceiver} opened first and named in the request, so the frames have
 * somewhere to go. The bus waits the upstream timeout plus one grace period per hop
 * ({@link Failures#busDelivery}), so the hop nearest the upstream times out first; a failed
 * delivery becomes the client's error through {@link Failures#ofBus}, the future then failing with
 * its {@link dev.portcullis.common.error.GatewayException}.
 */
final class CallSender {

  private final Vertx vertx;
  private final BusRequester bus;
  private final long upstreamTimeoutMs;
  private final int streamWindow;
  private final DeliveryOptions[] deliveryByHops;
  /** The options of other silences (one per provider with timeouts of its own), by silence and hops. */
  private final Map<Long, DeliveryOptions> deliveries = new ConcurrentHashMap<>();

  /**
   * @param upstreamTimeoutMs how long an upstream may stay silent when the message does not say
   *                          (a request's own {@code timeoutMs}, its provider's, comes first): the
   *                          bus wait, and a stream's idle timeout here
   * @param streamWindow      how many frames a stream's producer may send ahead of the client
   */
  CallSender(Vertx vertx, long upstreamTimeoutMs, int streamWindow) {
    this.vertx = vertx;
    this.bus = new BusRequester(vertx);
    this.upstreamTimeoutMs = upstreamTimeoutMs;
    this.streamWindow = streamWindow;
    // Made once: the timeout is fixed, and a destination is one or two hops from its upstream.
    this.deliveryByHops = new DeliveryOptions[] {null, Failures.busDelivery(upstreamTimeoutMs, 1),
        Failures.busDelivery(upstreamTimeoutMs, 2)};
  }

  /** Sends {@code message}; a {@link ProxyRequest} asks for a stream when {@code stream} is set. */
  Future<BusReply> send(BusDestination destination, Object message, boolean stream) {
    return send(destination, message, stream, null);
  }

  /**
   * Sends {@code message} as a child of {@code span}, when tracing made one: the bus request, and
   * through it the provider's upstream call, join the call's trace.
   */
  Future<BusReply> send(BusDestination destination, Object message, boolean stream, GenAiSpans.CallSpan span) {
    long silenceMs = silenceOf(message);
    Future<BusReply> reply = stream && message instanceof ProxyRequest request
        ? sendStreamed(destination, request, span)
        : request(destination, message, silenceMs, span).map(BusReply.Whole::new);
    return reply.recover(cause -> Future.failedFuture(Failures.ofBus(cause, destination.target().get(),
        Failures.busTimeoutMs(silenceMs, destination.hops())).toException()));
  }

  /** How long the call's upstream may leave it without a word: its own timeout, as the assembler set it. */
  private long silenceOf(Object message) {
    return message instanceof ProxyRequest request && request.timeoutMs() > 0 ? request.timeoutMs() : upstreamTimeoutMs;
  }

  private Future<BusReply> sendStreamed(BusDestination destination, ProxyRequest request, GenAiSpans.CallSpan span) {
    long silenceMs = silenceOf(request);
    StreamReceiver receiver = StreamReceiver.open(vertx, streamWindow, silenceMs);
    return receiver.ready()
        .compose(v -> request(destination, request.withStream(receiver.address(), receiver.window()), silenceMs, span))
        .transform(ar -> {
          if (ar.failed()) {
            receiver.close();
            return Future.failedFuture(ar.cause());
          }
          if (ar.result() instanceof StreamFrame.Head head) {
            return Future.succeededFuture(new BusReply.Streamed(head, receiver));
          }
          // An answer that did not stream after all (an error before the upstream answered, say).
          receiver.close();
          return Future.succeededFuture(new BusReply.Whole(ar.result()));
        });
  }

  private Future<Object> request(BusDestination destination, Object message, long silenceMs,
      GenAiSpans.CallSpan span) {
    int hops = destination.hops();
    DeliveryOptions delivery = silenceMs == upstreamTimeoutMs && hops < deliveryByHops.length ? deliveryByHops[hops]
        : deliveries.computeIfAbsent(silenceMs * 8 + Math.min(hops, 7), key -> Failures.busDelivery(silenceMs, hops));
    // Vert.x's tracer takes the current trace context as the bus request's parent when it is sent,
    // which is now: the scope (none when the call is not traced) can close at once.
    try (Scope scope = span == null ? null : span.makeCurrent()) {
      return bus.<Object>request(destination.address(), message, delivery).map(reply -> reply.body());
    }
  }
}
