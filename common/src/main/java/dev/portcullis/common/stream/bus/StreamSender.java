package dev.portcullis.common.stream.bus;

import java.util.function.Supplier;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.streams.WriteStream;
import io.vertx.core.tracing.TracingPolicy;
import java.util.UUID;

/**
 * The producer's end of a stream: a {@link WriteStream} whose writes become DATA frames sent to
 * the requester's address. It is full when the requester's credit is used up, so piping an
 * upstream response into it pauses the upstream read until credit comes back.
 *
 * <p>It listens for {@link StreamControl} on its own address: credit, and cancel (the requester's
 * client went away), which is reported to {@link #cancelHandler}. When it has no credit and hears
 * nothing from the requester for the idle timeout, it takes the requester for gone and cancels
 * itself, so a dead requester never pins an upstream connection.
 *
 * <p>Not thread safe: create it on the context that writes to it.
 */
public final class StreamSender implements WriteStream<Buffer> {

  /**
   * How frames and control messages are sent, both ways: never traced. With tracing on, a frame
   * sent within a traced call would otherwise make two spans (send and receive) per chunk; the
   * call's trace already has the request that opened the stream.
   */
  static final DeliveryOptions UNTRACED = new DeliveryOptions().setTracingPolicy(TracingPolicy.IGNORE);

  private final Vertx vertx;
  private final String receiverAddress;
  private final String controlAddress;
  private final long idleTimeoutMs;
  private final MessageConsumer<StreamControl> consumer;
  private final long idleTimer;

  private int credit;
  private long lastControlAt;
  private boolean closed;
  private Handler<Void> drainHandler;
  private Handler<String> cancelHandler;
  private Supplier<Usage> usageSoFar = () -> Usage.UNKNOWN;

  public StreamSender(Vertx vertx, String receiverAddress, int initialCredit, long idleTimeoutMs) {
    this.vertx = vertx;
    this.receiverAddress = receiverAddress;
    this.controlAddress = Addresses.STREAM_PREFIX + UUID.randomUUID();
    this.credit = initialCredit;
    this.idleTimeoutMs = idleTimeoutMs;
    this.lastControlAt = System.nanoTime();
    this.consumer = vertx.eventBus().consumer(controlAddress, this::onControl);
    long period = Math.max(10, Math.min(idleTimeoutMs / 4, 1000));
    this.idleTimer = vertx.setPeriodic(period, id -> checkIdle());
  }

  /** Completes when the control consumer is registered; send the head only after it. */
  public Future<Void> ready() {
    return consumer.completion();
  }

  /** The HEAD frame to reply to the request with. */
  public StreamFrame.Head head(int status, MultiMap headers) {
    return new StreamFrame.Head(status, headers, controlAddress);
  }

  public String controlAddress() {
    return controlAddress;
  }

  /**
   * What the producer has counted so far, answered to a requester that cancels and asks
   * ({@link StreamReceiver#cancelForUsage}): a cancelled call is recorded with it.
   */
  public StreamSender usageSoFar(Supplier<Usage> usageSoFar) {
    this.usageSoFar = usageSoFar;
    return this;
  }

  /** Called once with the reason when the requester cancels or is taken for gone. */
  public StreamSender cancelHandler(Handler<String> handler) {
    this.cancelHandler = handler;
    return this;
  }

  public boolean isClosed() {
    return closed;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (closed) {
      return Future.failedFuture("stream closed");
    }
    credit--;
    vertx.eventBus().send(receiverAddress, new StreamFrame.Data(data), UNTRACED);
    return Future.succeededFuture();
  }

  /** Ends the stream normally, with the usage read from it. */
  public void end(Usage usage) {
    end(usage, false);
  }

  /**
   * Ends the stream, with the usage read from it; {@code failed} when the bytes written end with
   * an error event of the producer's own (the requester then counts the call as failed).
   */
  public void end(Usage usage, boolean failed) {
    if (!closed) {
      vertx.eventBus().send(receiverAddress, new StreamFrame.End(usage, failed), UNTRACED);
      close();
    }
  }

  @Override
  public Future<Void> end() {
    end(Usage.UNKNOWN);
    return Future.succeededFuture();
  }

  /** Ends the stream with an error the requester renders in its client's format. */
  public void fail(GatewayError error) {
    if (!closed) {
      vertx.eventBus().send(receiverAddress, new StreamFrame.Failure(error), UNTRACED);
      close();
    }
  }

  @Override
  public boolean writeQueueFull() {
    return credit <= 0;
  }

  @Override
  public StreamSender drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  @Override
  public StreamSender exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public StreamSender setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  private void onControl(Message<StreamControl> message) {
    lastControlAt = System.nanoTime();
    StreamControl control = message.body();
    if (control instanceof StreamControl.Credit grant) {
      boolean wasFull = writeQueueFull();
      credit += grant.frames();
      Handler<Void> drain = drainHandler;
      if (wasFull && !writeQueueFull() && drain != null && !closed) {
        drain.handle(null);
      }
    } else if (control instanceof StreamControl.Cancel cancel) {
      if (message.replyAddress() != null) {
        Usage soFar;
        try {
          soFar = usageSoFar.get();
        } catch (RuntimeException e) {
          soFar = Usage.UNKNOWN;
        }
        message.reply(new StreamFrame.End(soFar == null ? Usage.UNKNOWN : soFar));
      }
      cancelled(cancel.reason());
    }
  }

  private void checkIdle() {
    if (!closed && credit <= 0 && System.nanoTime() - lastControlAt > idleTimeoutMs * 1_000_000L) {
      cancelled("no credit from the requester for " + idleTimeoutMs + " ms");
    }
  }

  private void cancelled(String reason) {
    if (closed) {
      return;
    }
    close();
    if (cancelHandler != null) {
      cancelHandler.handle(reason);
    }
  }

  private void close() {
    if (!closed) {
      closed = true;
      vertx.cancelTimer(idleTimer);
      consumer.unregister();
    }
  }
}
