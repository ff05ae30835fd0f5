package dev.portcullis.router.call;

import dev.portcullis.common.bus.ProxyRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** Makes one planned chat completions or Responses call: whole, or streamed through a {@link StreamPipe}. */
public final class ChatCalls {

  private final ProviderBus bus;
  private final ChatRouting routing;
  private final StreamPipe pipe;

  public ChatCalls(Vertx vertx, ProviderBus bus, ChatRouting routing) {
    this.bus = bus;
    this.routing = routing;
    this.pipe = new StreamPipe(vertx, bus);
  }

  /** The reply for the gateway; fails with a {@code GatewayException} when the call cannot be made. */
  public Future<Object> handle(ProxyRequest call) {
    CallPlan plan = routing.plan(call);
    if (call.stream()) {
      return pipe.open(call, plan.toProvider(), plan.stream(), plan.whole());
    }
    return bus.request(plan.toProvider()).map(plan.whole()::apply);
  }
}
