package dev.portcullis.auth;

import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service's bus consumers, made so that every request gets exactly one answer at once, even
 * when the handler has a bug: whatever it throws (an {@link Error} included) or fails with is
 * logged once and answered as a {@link GatewayError}, 500 for a fault of ours, 503 for a store
 * that cannot be reached, and one that has not answered within {@link #DEADLINE_MILLIS} is
 * answered 503. A caller never waits for its send timeout because of us.
 */
final class BusAnswers {

  /** Below the gateway's 5 s send timeout, so the caller hears our 503 rather than its own. */
  static final long DEADLINE_MILLIS = 4_000;
  private static final Logger LOG = LoggerFactory.getLogger(BusAnswers.class);

  private final Vertx vertx;

  BusAnswers(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Consumes {@code address}; {@code handler}'s value (a result or a GatewayError) is the reply. */
  <T> MessageConsumer<T> answer(String address, Function<T, Future<Object>> handler) {
    return vertx.eventBus().<T>consumer(address, message -> handle(address, message, handler));
  }

  private <T> void handle(String address, Message<T> message, Function<T, Future<Object>> handler) {
    AtomicBoolean answered = new AtomicBoolean();
    long deadline = vertx.setTimer(DEADLINE_MILLIS, id -> {
      if (answered.compareAndSet(false, true)) {
        LOG.error("auth-service did not answer on {} within {} ms", address, DEADLINE_MILLIS);
        safeReply(message, GatewayError.unavailable("The authentication service did not answer in time; try again shortly"));
      }
    });
    Future<Object> reply;
    try {
      reply = handler.apply(message.body());
      if (reply == null) {
        throw new IllegalStateException("handler answered no future");
      }
    } catch (Throwable bug) {
      reply = Future.failedFuture(bug);
    }
    reply.onComplete(done -> {
      if (!answered.compareAndSet(false, true)) {
        return;
      }
      vertx.cancelTimer(deadline);
      if (done.succeeded()) {
        try {
          message.reply(done.result());
          return;
        } catch (Throwable unsendable) {
          LOG.error("auth-service could not send its answer on {}", address, unsendable);
          safeReply(message, GatewayError.internal("The authentication service failed; see its log"));
          return;
        }
      }
      Throwable failure = done.cause();
      if (isFault(failure)) {
        LOG.error("auth-service failed on {}", address, failure);
        safeReply(message, GatewayError.internal("The authentication service failed; see its log"));
      } else {
        LOG.error("auth-service could not answer on {}: {}", address, failure.toString());
        safeReply(message, GatewayError.unavailable("The authentication store is unavailable; try again shortly"));
      }
    });
  }

  /** A programming fault (500) rather than an unreachable or failing store (503). */
  static boolean isFault(Throwable failure) {
    return failure instanceof Error
        || failure instanceof NullPointerException
        || failure instanceof ClassCastException
        || failure instanceof IllegalArgumentException
        || failure instanceof IllegalStateException
        || failure instanceof IndexOutOfBoundsException
        || failure instanceof UnsupportedOperationException
        || failure instanceof ArithmeticException;
  }

  private static void safeReply(Message<?> message, GatewayError error) {
    try {
      message.reply(error);
    } catch (RuntimeException e) {
      LOG.error("auth-service could not send an error answer", e);
    }
  }
}
