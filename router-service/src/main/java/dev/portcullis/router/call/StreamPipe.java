package dev.portcullis.router.call;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.stream.bus.GuardedHandler;
import dev.portcullis.common.stream.bus.StreamFailureException;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;
import dev.portcullis.common.stream.bus.StreamSender;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One streamed call through the router. The router is the requester of the provider's stream and
 * the producer of the gateway's: each DATA frame from the provider is transformed and sent on at
 * once; when the gateway's credit runs out the provider's stream is paused (so credit stops flowing
 * to the provider, which pauses its upstream read), and a CANCEL from the gateway cancels the
 * provider's stream, which resets the upstream call.
 */
final class StreamPipe {

  private static final Logger LOG = LoggerFactory.getLogger(StreamPipe.class);

  private final Vertx vertx;
  private final ProviderBus bus;

  StreamPipe(Vertx vertx, ProviderBus bus) {
    this.vertx = vertx;
    this.bus = bus;
  }

  /**
   * Sends {@code toProvider} as a stream request and completes with the reply for the gateway: a
   * HEAD of the router's own stream to {@code fromGateway.streamAddress()}, or, when the provider
   * answered whole (an error status), {@code whole} applied to its reply.
   */
  Future<Object> open(ProxyRequest fromGateway, ProxyRequest toProvider,
      Function<StreamFrame.Head, StreamTransform> transformFor, Function<Object, Object> whole) {
    StreamReceiver receiver = StreamReceiver.open(vertx, Math.max(2, fromGateway.initialCredit()),
        fromGateway.timeoutMs());
    return receiver.ready()
        .compose(v -> bus.request(toProvider.withStream(receiver.address(), receiver.window())))
        .transform(ar -> {
          if (ar.failed()) {
            receiver.close();
            return Future.failedFuture(ar.cause());
          }
          if (ar.result() instanceof StreamFrame.Head head) {
            return relay(fromGateway, toProvider, receiver, head, transformFor);
          }
          receiver.close();
          return Future.succeededFuture(whole.apply(ar.result()));
        });
  }

  private Future<Object> relay(ProxyRequest fromGateway, ProxyRequest toProvider, StreamReceiver receiver,
      StreamFrame.Head head, Function<StreamFrame.Head, StreamTransform> transformFor) {
    StreamTransform transform;
    try {
      transform = transformFor.apply(head);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      if (!(e instanceof GatewayException)) {
        LOG.error("{}: the model router cannot relay the {} stream", toProvider.requestId(), toProvider.provider(), e);
      }
      receiver.onHead(head);
      receiver.cancel("the router cannot relay this stream");
      return Future.failedFuture(e instanceof GatewayException ? e
          : GatewayError.internal("The model router cannot relay the " + toProvider.provider() + " stream.")
              .toException());
    }
    StreamSender sender = new StreamSender(vertx, fromGateway.streamAddress(), fromGateway.initialCredit(),
        fromGateway.timeoutMs());
    Promise<Object> reply = Promise.promise();
    StreamGuard guard = new StreamGuard(toProvider, receiver, sender, reply);
    sender.ready().onComplete(guard.guard(ready -> {
      receiver.onHead(head);
      if (ready.failed()) {
        receiver.cancel("the stream back to the gateway could not be opened");
        reply.fail(GatewayError.internal("Could not open the stream back to the gateway.").toException());
        return;
      }
      // What the translator counted from the native events so far (input tokens, for most).
      sender.usageSoFar(() -> transform.usage(receiver.usage()));
      sender.cancelHandler(guard.guard(reason -> {
        LOG.debug("{} cancelled by the gateway: {}", toProvider, reason);
        receiver.cancel(reason);
      }));
      // Whether anything of the answer went to the gateway: until then a failure the upstream did not
      // act on travels as the failure itself, which the gateway may try again elsewhere.
      boolean[] relayed = new boolean[1];
      receiver.handler(guard.guard(bytes -> {
        if (sender.isClosed()) {
          return;
        }
        relayed[0] = true;
        Buffer out;
        try {
          out = transform.onData(bytes);
        } catch (RuntimeException e) {
          // A native event the translator cannot read: end the answer with an error, never hang it.
          LOG.warn("{}: translating the {} stream failed: {}", toProvider.requestId(), toProvider.provider(),
              e.toString());
          out = transform.onFailure(GatewayError.upstreamUnreachable("The " + toProvider.provider()
              + " stream sent an event the model router cannot translate."));
          if (out == null) {
            out = Buffer.buffer();
          }
        }
        if (out.length() > 0) {
          sender.write(out);
        }
        if (transform.ended()) {
          // The answer ended with an error event: the provider's stream is of no more use.
          receiver.cancel("the translated stream ended");
          sender.end(transform.usage(receiver.usage()), transform.failed());
        } else if (sender.writeQueueFull()) {
          receiver.pause();
          sender.drainHandler(guard.guard(v -> receiver.resume()));
        }
      }));
      receiver.endHandler(guard.guard(v -> {
        if (!sender.isClosed()) {
          Buffer out = transform.onEnd();
          if (out.length() > 0) {
            sender.write(out);
          }
          sender.end(transform.usage(receiver.usage()), transform.failed());
        }
      }));
      receiver.exceptionHandler(guard.guard(err -> {
        if (sender.isClosed()) {
          return;
        }
        GatewayError error = err instanceof StreamFailureException failure ? failure.error()
            : GatewayError.internal("The " + toProvider.provider() + " stream failed.");
        if (error.retrySafe() && !relayed[0]) {
          sender.fail(error);
          return;
        }
        Buffer out = transform.onFailure(error);
        if (out == null) {
          sender.fail(error);
        } else {
          sender.write(out);
          sender.end(transform.usage(Usage.UNKNOWN), true);
        }
      }));
      reply.complete(sender.head(head.status(), transform.headers(head.headers())));
    }));
    return reply.future();
  }

  /**
   * The handlers of one relayed stream: a bug in one (a translator, a usage reader) is logged once
   * with its stack trace and answered at once, as the reply while the gateway still waits for the
   * HEAD, else as the stream's error frame; the provider's stream is cancelled either way.
   */
  private static final class StreamGuard {

    private final ProxyRequest toProvider;
    private final StreamReceiver receiver;
    private final StreamSender sender;
    private final Promise<Object> reply;

    StreamGuard(ProxyRequest toProvider, StreamReceiver receiver, StreamSender sender, Promise<Object> reply) {
      this.toProvider = toProvider;
      this.receiver = receiver;
      this.sender = sender;
      this.reply = reply;
    }

    <T> Handler<T> guard(Handler<T> handler) {
      return GuardedHandler.of(handler, e -> {
        LOG.error("{}: relaying the {} stream failed", toProvider.requestId(), toProvider.provider(), e);
        GatewayError error = e instanceof GatewayException gatewayException ? gatewayException.error()
            : GatewayError.internal("The model router failed while relaying the " + toProvider.provider()
                + " stream; the Portcullis log has the details.");
        receiver.cancel("the model router failed");
        reply.tryFail(error.toException());
        if (!sender.isClosed()) {
          // Ends the stream if the HEAD went out; otherwise only releases the sender's resources.
          sender.fail(error);
        }
      });
    }
  }
}
