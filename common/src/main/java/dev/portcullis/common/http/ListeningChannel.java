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
 * {@link ConnectionGuard} needs it to watch connections from the moment they are accepted. Read
 * by reflection, so a Vert.x version that stores it differently yields {@code null} (and a test
 * that fails), never an exception.
 */
final class ListeningChannel {

  private static final Logger LOG = LoggerFactory.getLogger(ListeningChannel.class);

  private ListeningChannel() {}

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
    for (Class<?> type = owner.getClass(); type != null; type = type.getSuperclass()) {
      try {
        Field field = type.getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
      } catch (NoSuchFieldException next) {
        // declared higher up
      }
    }
    throw new NoSuchFieldException(name);
  }
}
