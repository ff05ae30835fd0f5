package dev.portcullis.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Vert.x reports as thrown where no handler of ours could catch it. A bug is logged at ERROR
 * with its trace. One known race inside Vert.x 5.0.7's HTTP client pool is not ours and harms
 * nothing: when an upstream connect times out just as the connection is made, the pool completes
 * the waiter's promise twice and the second completion throws "Promise already completed" on a
 * timer (the call itself has its answer). That one is logged at WARN, so ERROR keeps meaning a bug.
 */
final class UnhandledExceptions {

  private static final Logger LOG = LoggerFactory.getLogger(UnhandledExceptions.class);

  private UnhandledExceptions() {}

  static void log(Throwable failure) {
    if (isKnownPoolRace(failure)) {
      LOG.warn("Vert.x HTTP client pool: a connection completed after its connect timeout ({})", failure.toString());
    } else {
      LOG.error("unhandled exception", failure);
    }
  }

  static boolean isKnownPoolRace(Throwable failure) {
    if (!(failure instanceof IllegalStateException) || !"Promise already completed".equals(failure.getMessage())) {
      return false;
    }
    for (StackTraceElement frame : failure.getStackTrace()) {
      if (frame.getClassName().startsWith("io.vertx.core.http.impl.SharedHttpClientConnectionGroup")) {
        return true;
      }
    }
    return false;
  }
}
