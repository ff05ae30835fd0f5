package dev.portcullis.common.http;

import io.netty.channel.Channel;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServer;
import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty channel of a listening Vert.x 5 HTTP server's socket, which Vert.x does not expose: its
 * {@code HttpServerImpl} holds a TCP server, whose bound ("actual") server holds the bind result.
 * {@link ConnectionGuard} needs it to watch connections from the moment they are accepted: with
 * HTTP/2 in clear on, Vert.x hands a connection to the server's connection handler only after its
 * first request, and Vert.x 5.0.7 has no public hook at the accept (no channel initializer, no
 * accepted-socket handler on an HTTP server). Read by reflection, so a Vert.x version that stores
 * it differently yields {@code false} from {@link #reachable()} before any server is made (the
 * gateway then leaves HTTP/2 in clear off) and {@code null} from {@link #of}, never an exception.
 */
final class ListeningChannel {

  private static final Logger LOG = LoggerFactory.getLogger(ListeningChannel.class);

  private static final String HTTP_SERVER_CLASS = "io.vertx.core.http.impl.HttpServerImpl";
  private static final String NET_SERVER_CLASS = "io.vertx.core.net.impl.NetServerImpl";

  private ListeningChannel() {}

  /** Whether this Vert.x keeps the listening socket where {@link #of} looks for it (checked once). */
  static boolean reachable() {
    return Checked.REACHABLE;
  }

  private static final class Checked {
    static final boolean REACHABLE = reachable(HTTP_SERVER_CLASS, NET_SERVER_CLASS);
  }

  /** As {@link #reachable()}, for the named server classes. */
  static boolean reachable(String httpServerClass, String netServerClass) {
    try {
      ClassLoader loader = ListeningChannel.class.getClassLoader();
      Class<?> http = Class.forName(httpServerClass, false, loader);
      Class<?> net = Class.forName(netServerClass, false, loader);
      declared(http, "tcpServer");
      declared(net, "actualServer");
      declared(net, "bindFuture");
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      LOG.debug("the listening channel of a Vert.x HTTP server is out of reach: {}", e.toString());
      return false;
    }
  }

  private static Field declared(Class<?> type, String name) throws NoSuchFieldException {
    for (Class<?> at = type; at != null; at = at.getSuperclass()) {
      try {
        Field field = at.getDeclaredField(name);
        field.setAccessible(true);
        return field;
      } catch (NoSuchFieldException next) {
        // declared higher up
      }
    }
    throw new NoSuchFieldException(type.getName() + "." + name);
  }

  /** The listening socket's channel, or {@code null} when it cannot be reached. */
  static Channel of(HttpServer server) {
    try {
      Object tcpServer = field(server, "tcpServer");
      Object actualServer = field(tcpServer, "actualServer");
      Object bound = field(actualServer, "bindFuture");
      if (bound instanceof Future<?> future && future.result() instanceof Channel channel) {
        return channel;
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      LOG.debug("the listening channel of {} is out of reach: {}", server.getClass().getName(), e.toString());
    }
    return null;
  }

  private static Object field(Object owner, String name) throws ReflectiveOperationException {
    if (owner == null) {
      throw new NoSuchFieldException(name);
    }
    return declared(owner.getClass(), name).get(owner);
  }
}
