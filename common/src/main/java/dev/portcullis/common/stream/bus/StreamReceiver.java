package dev.portcullis.common.stream.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.streams.ReadStream;
import java.util.ArrayDeque;
import java.util.UUID;

/**
 * The requester's end of a stream: a consumer on a fresh {@code portcullis.stream.<uuid>} address
 * that turns the producer's frames back into a {@link ReadStream} of bytes, so that it can be
 * piped to an HTTP response with Vert.x's own backpressure.
 *
 * <p>Flow control: the producer starts with {@link #window()} credits (named in the request).
 * Credit is given back only for frames handed to the handler, so when the handler's consumer is
 * slow (the pipe pauses this stream), the producer runs out of credit and pauses its upstream
 * read: at most one window of frames waits here, whatever the client's speed.
 *
 * <p>Not thread safe: open it on the context that consumes it (its handlers run there).
 */
public final class StreamReceiver implements ReadStream<Buffer> {

  private final Vertx vertx;
  private final String address;
  private final int window;
  private final long idleTimeoutMs;
  private final MessageConsumer<StreamFrame> consumer;
  private final ArrayDeque<StreamFrame> pending = new ArrayDeque<>();
  private final long idleTimer;

  private String controlAddress;
  private int outstanding;
  private int deliveredSinceGrant;
  private long demand = Long.MAX_VALUE;
  private long lastFrameAt;
  private boolean finished;
  private Usage usage = Usage.UNKNOWN;
  private boolean endedInError;

  private Handler<Buffer> handler;
  private Handler<Void> endHandler;
  private Handler<Throwable> exceptionHandler;
  /** A failure that came while no exception handler was set: handed to the next one set. */
  private GatewayError unhandledFailure;
  /** Completed once the first frame is here, or the stream failed, whichever comes first. */
  private io.vertx.core.Promise<Void> firstFrame;
  private boolean anyData;

  private StreamReceiver(Vertx vertx, int window, long idleTimeoutMs) {
    this.vertx = vertx;
    this.address = Addresses.STREAM_PREFIX + UUID.randomUUID();
    this.window = window;
    this.outstanding = window;
    this.idleTimeoutMs = idleTimeoutMs;
    this.lastFrameAt = System.nanoTime();
    this.consumer = vertx.eventBus().consumer(address, this::onFrame);
    long period = Math.max(10, Math.min(idleTimeoutMs / 4, 1000));
    this.idleTimer = vertx.setPeriodic(period, id -> checkIdle());
  }

  /**
   * Opens a receiver on the current context.
   *
   * @param window        the producer's initial credit, in DATA frames
   * @param idleTimeoutMs how long the producer may stay silent while it has credit
   */
  public static StreamReceiver open(Vertx vertx, int window, long idleTimeoutMs) {
    if (window < 2) {
      throw new IllegalArgumentException("window must be at least 2");
    }
    return new StreamReceiver(vertx, window, idleTimeoutMs);
  }

  /** Completes when the consumer is registered (at once locally, after propagation in a cluster). */
  public Future<Void> ready() {
    return consumer.completion();
  }

  public String address() {
    return address;
  }

  public int window() {
    return window;
  }

  /** Usage reported by the END frame; {@link Usage#UNKNOWN} before it or when none was reported. */
  public Usage usage() {
    return usage;
  }

  /**
   * Whether the END frame said that the producer ended the answer with an error event of its own
   * ({@link StreamFrame.End#failed()}); {@code false} before it.
   */
  public boolean endedInError() {
    return endedInError;
  }

  /** Called with the HEAD frame (the reply to the request): from now on credit can flow back. */
  public void onHead(StreamFrame.Head head) {
    this.controlAddress = head.controlAddress();
    grantCredit();
  }

  /**
   * Completes when the first frame of the answer (data, its end or its failure) has arrived, or the
   * producer went silent for too long; nothing is consumed. Lets a caller look before it commits
   * to the answer ({@link #failureBeforeData}).
   */
  public Future<Void> firstFrame() {
    if (!pending.isEmpty() || finished || anyData) {
      return Future.succeededFuture();
    }
    if (firstFrame == null) {
      firstFrame = io.vertx.core.Promise.promise();
    }
    return firstFrame.future();
  }

  /**
   * The error the stream failed with before any of its data arrived (the first frame is a
   * failure, or the producer went silent), or null when it did not: data came, or it ended well.
   */
  public GatewayError failureBeforeData() {
    if (anyData) {
      return null;
    }
    StreamFrame first = pending.peek();
    if (first instanceof StreamFrame.Failure failure) {
      return failure.error();
    }
    return first == null ? unhandledFailure : null;
  }

  /** The client went away: tell the producer to reset its upstream call, and stop. */
  public void cancel(String reason) {
    if (finished) {
      return;
    }
    if (controlAddress != null) {
      vertx.eventBus().send(controlAddress, new StreamControl.Cancel(reason), StreamSender.UNTRACED);
    }
    finish();
  }

  /**
   * The client went away: tells the producer to reset its upstream call and asks it for the usage
   * it saw so far (what a cancelled call is recorded with), waiting at most {@code waitMillis} for
   * its answer. Completes with that usage, or with what was known when the producer does not say
   * (it is gone, or predates this question); never fails.
   */
  public Future<Usage> cancelForUsage(String reason, long waitMillis) {
    if (finished || controlAddress == null) {
      finish();
      return Future.succeededFuture(usage);
    }
    String address = controlAddress;
    finish();
    return vertx.eventBus().<StreamFrame>request(address, new StreamControl.Cancel(reason),
            new DeliveryOptions().setSendTimeout(Math.max(1, waitMillis)))
        .map(reply -> {
          if (reply.body() instanceof StreamFrame.End end && end.usage() != null && end.usage().known()) {
            usage = end.usage();
          }
          return usage;
        })
        .otherwise(failure -> usage);
  }

  /** Releases the consumer without telling the producer (use after END or FAILURE, or when the head never came). */
  public void close() {
    finish();
  }

  private void onFrame(Message<StreamFrame> message) {
    if (finished) {
      return;
    }
    lastFrameAt = System.nanoTime();
    StreamFrame frame = message.body();
    if (frame instanceof StreamFrame.Data) {
      outstanding--;
    }
    pending.add(frame);
    if (firstFrame != null) {
      io.vertx.core.Promise<Void> waiting = firstFrame;
      firstFrame = null;
      waiting.complete();
    }
    drain();
  }

  private void drain() {
    while (!pending.isEmpty() && handler != null) {
      StreamFrame frame = pending.peek();
      if (frame instanceof StreamFrame.Data data) {
        if (demand == 0) {
          return;
        }
        pending.poll();
        anyData = true;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        deliveredSinceGrant++;
        handler.handle(data.bytes());
        if (deliveredSinceGrant >= window / 2) {
          grantCredit();
        }
      } else if (frame instanceof StreamFrame.End end) {
        pending.poll();
        usage = end.usage() == null ? Usage.UNKNOWN : end.usage();
        endedInError = end.failed();
        finish();
        if (endHandler != null) {
          endHandler.handle(null);
        }
        return;
      } else if (frame instanceof StreamFrame.Failure failure) {
        pending.poll();
        fail(failure.error());
        return;
      } else {
        pending.poll();
      }
    }
  }

  private void grantCredit() {
    if (controlAddress == null || finished || deliveredSinceGrant == 0) {
      return;
    }
    int frames = deliveredSinceGrant;
    deliveredSinceGrant = 0;
    outstanding += frames;
    vertx.eventBus().send(controlAddress, new StreamControl.Credit(frames), StreamSender.UNTRACED);
  }

  private void checkIdle() {
    if (finished) {
      return;
    }
    long now = System.nanoTime();
    boolean producerMaySend = outstanding > 0;
    if (!producerMaySend || !pending.isEmpty()) {
      // We are holding the producer back (slow client): its silence is ours, not its fault.
      lastFrameAt = now;
      return;
    }
    if (now - lastFrameAt > idleTimeoutMs * 1_000_000L) {
      if (controlAddress != null) {
        vertx.eventBus().send(controlAddress, new StreamControl.Cancel("idle timeout"), StreamSender.UNTRACED);
      }
      fail(GatewayError.upstreamTimeout("The upstream stream sent nothing for " + idleTimeoutMs + " ms."));
    }
  }

  private void fail(GatewayError error) {
    finish();
    if (exceptionHandler != null) {
      exceptionHandler.handle(new StreamFailureException(error));
    } else {
      unhandledFailure = error;
    }
  }

  private void finish() {
    if (!finished) {
      finished = true;
      vertx.cancelTimer(idleTimer);
      consumer.unregister();
    }
    if (firstFrame != null) {
      io.vertx.core.Promise<Void> waiting = firstFrame;
      firstFrame = null;
      waiting.complete();
    }
  }

  @Override
  public StreamReceiver exceptionHandler(Handler<Throwable> handler) {
    this.exceptionHandler = handler;
    if (handler != null && unhandledFailure != null) {
      GatewayError failure = unhandledFailure;
      unhandledFailure = null;
      handler.handle(new StreamFailureException(failure));
    }
    return this;
  }

  @Override
  public StreamReceiver handler(Handler<Buffer> handler) {
    this.handler = handler;
    drain();
    return this;
  }

  @Override
  public StreamReceiver pause() {
    demand = 0;
    return this;
  }

  @Override
  public StreamReceiver resume() {
    return fetch(Long.MAX_VALUE);
  }

  @Override
  public StreamReceiver fetch(long amount) {
    if (amount > 0) {
      demand = demand > Long.MAX_VALUE - amount ? Long.MAX_VALUE : demand + amount;
      drain();
    }
    return this;
  }

  @Override
  public StreamReceiver endHandler(Handler<Void> endHandler) {
    this.endHandler = endHandler;
    return this;
  }
}
