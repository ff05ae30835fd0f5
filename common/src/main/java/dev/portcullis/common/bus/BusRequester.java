package dev.portcullis.common.bus;

import io.netty.channel.EventLoop;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bus requests ({@code EventBus.request}) sent from an event loop without a JVM monitor each.
 *
 * <p>Why: Vert.x makes the reply handler of a request sent from a deployment's context (a
 * verticle's, or a request's context derived from it) a close hook of that deployment. It puts
 * the handler in a hash map while it holds the handler's lock, and taking the identity hash of a
 * locked object makes the JVM inflate a monitor for it, which only its deflation thread frees,
 * in bulk. The gateway sends one such request per call: under load some 46,000 monitors were
 * alive at once (9 MB of native memory), and inflating and deflating them took about 2% of the
 * gateway's CPU (JFR's {@code jdk.JavaMonitorInflate}: every one from {@code ReplyHandler}).
 *
 * <p>Here the request is sent from a context that belongs to no deployment, on the caller's own
 * event loop (one such context per event loop, made once), so there is no close hook and no
 * monitor. The reply comes back on the same thread and is handed to the caller's context inline,
 * so what the caller chains on the answer runs where it ran before. The reply handler still
 * unregisters itself on its reply or its timeout; what the close hook added, unregistering it
 * when the verticle is undeployed, only ever mattered for an answer nobody waits for.
 *
 * <p>A plain request is sent where this does not apply: off an event loop (a worker's or a test's
 * thread), and when Vert.x has a tracer, which takes the request's parent span from the context
 * it is sent from.
 */
public final class BusRequester {

  private final VertxInternal vertx;
  private final Map<EventLoop, ContextInternal> outsideDeployments = new ConcurrentHashMap<>();

  public BusRequester(Vertx vertx) {
    this.vertx = (VertxInternal) vertx;
  }

  /** {@code EventBus.request}, its answer on the caller's context. */
  public <T> Future<Message<T>> request(String address, Object message, DeliveryOptions options) {
    ContextInternal caller = ContextInternal.current();
    if (caller == null || !caller.isEventLoopContext() || !caller.inThread() || vertx.tracer() != null) {
      return vertx.eventBus().request(address, message, options);
    }
    // computeIfAbsent answers a present key without locking.
    ContextInternal sender = outsideDeployments.computeIfAbsent(caller.nettyEventLoop(),
        loop -> vertx.contextBuilder().withThreadingModel(ThreadingModel.EVENT_LOOP).withEventLoop(loop).build());
    PromiseInternal<Message<T>> answer = caller.promise();
    sender.dispatch(() -> {
      try {
        vertx.eventBus().<T>request(address, message, options)
            .onComplete((reply, failure) -> caller.dispatch(answer, a -> a.complete(reply, failure)));
      } catch (RuntimeException e) {
        // Thrown by the bus (no codec for the message, say): the caller's future fails, as a plain
        // request's caller would have seen it thrown.
        answer.fail(e);
      }
    });
    return answer.future();
  }
}
