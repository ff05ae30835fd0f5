package dev.portcullis.common.error;

import dev.portcullis.common.Addresses;
import io.vertx.core.VertxException;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;

/**
 * The one way a failure becomes the error a client sees, wherever it happens: a bus request that
 * found no consumer or timed out, an upstream call that could not connect or did not answer, or a
 * bug. Classified by exception type only, never by the words of a message.
 *
 * <p>A {@link GatewayException} is a failure that already knows its error: it is answered as it
 * is, by every layer it travels through.
 */
public final class Failures {

  /**
   * How much longer than the upstream timeout a bus requester waits, per bus hop between it and the
   * upstream call. A provider answers (or fails with 504) once its upstream timeout has passed; a
   * requester one hop away waits one grace period more, a requester two hops away (the gateway in
   * front of the model router) two: so the hop nearest the upstream always times out first, and its
   * precise error is the one the client gets.
   */
  public static final long BUS_GRACE_MS = 5_000;

  private Failures() {}

  /** How long a bus requester {@code hops} hops away from the upstream call waits for its answer. */
  public static long busTimeoutMs(long upstreamTimeoutMs, int hops) {
    return upstreamTimeoutMs + hops * BUS_GRACE_MS;
  }

  /** Delivery options for a bus request {@code hops} hops away from the upstream call. */
  public static DeliveryOptions busDelivery(long upstreamTimeoutMs, int hops) {
    return new DeliveryOptions().setSendTimeout(busTimeoutMs(upstreamTimeoutMs, hops));
  }

  /**
   * Who a bus request went to, for its failure's message.
   *
   * @param name        the target in a sentence ({@code "The openai provider"})
   * @param notRunning  the message when no consumer answers its address
   */
  public record BusTarget(String name, String notRunning) {

    /** A provider verticle; {@code why} explains, when known, why none runs here (or {@code null}). */
    public static BusTarget provider(String provider, String why) {
      return new BusTarget("The " + provider + " provider", "The " + provider + " provider is not running in this "
          + "deployment: no provider verticle answers " + Addresses.provider(provider)
          + (why == null ? "." : " (" + why + ")."));
    }

    /** The model router. */
    public static BusTarget modelRouter() {
      return new BusTarget("The model router", "The model router is not running in this deployment: nothing "
          + "answers " + Addresses.ROUTER_MODEL + " (add the router role to PORTCULLIS_ROLES).");
    }
  }

  /** The error for a failed bus request to {@code target}, which waited {@code waitedMs}. */
  public static GatewayError ofBus(Throwable cause, BusTarget target, long waitedMs) {
    if (cause instanceof GatewayException known) {
      return known.error();
    }
    if (cause instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case NO_HANDLERS -> GatewayError.unavailable(target.notRunning());
        case TIMEOUT -> GatewayError.upstreamTimeout(target.name() + " did not answer within " + waitedMs + " ms.");
        default -> GatewayError.internal(target.name() + " failed: " + reply.getMessage());
      };
    }
    return GatewayError.internal("The call could not be handed to " + lowerFirst(target.name()) + ".");
  }

  /**
   * Whether a failure is a bug of ours rather than an I/O failure: an {@link Error}, or a
   * {@link RuntimeException} that Vert.x and Netty do not use for I/O failures. A bug is answered
   * with a 500 and logged with its stack trace by whoever catches it.
   */
  public static boolean isBug(Throwable cause) {
    return cause instanceof Error || cause instanceof RuntimeException && !(cause instanceof VertxException)
        && !(cause instanceof GatewayException) && !cause.getClass().getName().startsWith("io.netty.");
  }

  /** What kind of I/O failure an upstream call met. */
  public enum UpstreamFailure {
    /** No answer in time: Vert.x's idle and pool timeouts, Netty's read and write timeouts. */
    TIMEOUT,
    /** No connection: refused, no route, unknown host, or the connect timeout (Netty's is a {@link ConnectException}). */
    UNREACHABLE,
    /** The connection broke some other way (reset, closed, TLS). */
    BROKEN
  }

  /** The kind of an upstream I/O failure, by its type. */
  public static UpstreamFailure classifyUpstream(Throwable cause) {
    if (cause instanceof TimeoutException || cause instanceof io.netty.handler.timeout.TimeoutException) {
      return UpstreamFailure.TIMEOUT;
    }
    if (cause instanceof ConnectException || cause instanceof UnknownHostException
        || cause instanceof NoRouteToHostException) {
      return UpstreamFailure.UNREACHABLE;
    }
    return UpstreamFailure.BROKEN;
  }

  /**
   * The error for an upstream call that failed with an I/O failure, naming where it went (provider
   * and host) but nothing that may hold a secret.
   *
   * @param where   the upstream in words ({@code "openai at api.openai.com"})
   * @param timeout the upstream timeout in words ({@code "60000 ms"})
   */
  public static GatewayError ofUpstream(Throwable cause, String where, String timeout) {
    if (cause instanceof GatewayException known) {
      return known.error();
    }
    return switch (classifyUpstream(cause)) {
      case TIMEOUT -> GatewayError.upstreamTimeout("The upstream " + where + " did not answer within " + timeout + ".");
      case UNREACHABLE -> GatewayError.upstreamUnreachable("Could not connect to the upstream " + where + ": "
          + cause.getClass().getSimpleName() + ".");
      case BROKEN -> GatewayError.upstreamUnreachable("The connection to the upstream " + where + " failed ("
          + cause.getClass().getSimpleName() + ").");
    };
  }

  private static String lowerFirst(String text) {
    return text.isEmpty() ? text : Character.toLowerCase(text.charAt(0)) + text.substring(1);
  }
}
