package dev.portcullis.common.http;

import dev.portcullis.common.settings.Settings;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * What every Portcullis HTTP server (gateway, admin API, metrics) allows a client before it has
 * said anything useful: how long it may take to send complete request headers, how long an idle
 * keep-alive connection is kept, and how large the request line and headers may be. Applied by
 * {@link #applyTo} (Vert.x options) and {@link ConnectionGuard} (the timers and the header count,
 * which Vert.x 5.0.7 has no option for).
 *
 * @param headerTimeoutMs      a connection must send complete request headers within this long of
 *                             opening (or of the first byte of its next request)
 * @param keepAliveTimeoutMs   a connection with no request in progress is closed after this long
 * @param maxInitialLineLength longest request line (method, target, version); longer gets 414
 * @param maxHeaderBytes       largest header block; larger gets 431
 * @param maxHeaderCount       most header fields; more gets 431
 */
public record ServerLimits(long headerTimeoutMs, long keepAliveTimeoutMs, int maxInitialLineLength,
    int maxHeaderBytes, int maxHeaderCount) {

  public static final String HEADER_TIMEOUT = "PORTCULLIS_HEADER_TIMEOUT_MS";
  public static final String KEEP_ALIVE_TIMEOUT = "PORTCULLIS_IDLE_TIMEOUT_MS";
  public static final String MAX_INITIAL_LINE = "PORTCULLIS_MAX_REQUEST_LINE_BYTES";
  public static final String MAX_HEADER_BYTES = "PORTCULLIS_MAX_HEADER_BYTES";
  public static final String MAX_HEADER_COUNT = "PORTCULLIS_MAX_HEADER_COUNT";

  public static ServerLimits from(Settings settings) {
    return new ServerLimits(
        settings.longValue(HEADER_TIMEOUT, 10_000, 100, 600_000),
        settings.longValue(KEEP_ALIVE_TIMEOUT, 60_000, 100, 3_600_000),
        (int) settings.longValue(MAX_INITIAL_LINE, 8192, 256, 1 << 20),
        (int) settings.longValue(MAX_HEADER_BYTES, 32 * 1024, 1024, 1 << 20),
        (int) settings.longValue(MAX_HEADER_COUNT, 100, 8, 10_000));
  }

  /**
   * Sets the line and header limits and a whole-connection idle timeout: no byte either way for
   * {@code silentConnectionMs} closes the connection. The gateway passes more than its upstream
   * timeout, so a call waiting on a slow model is never cut; the other servers pass the keep-alive
   * timeout.
   */
  public HttpServerOptions applyTo(HttpServerOptions options, long silentConnectionMs) {
    return options.setMaxInitialLineLength(maxInitialLineLength)
        .setMaxHeaderSize(maxHeaderBytes)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setIdleTimeout((int) Math.min(Integer.MAX_VALUE, silentConnectionMs))
        // The admin API and metrics speak HTTP/1.1 only: no h2c to reason about there.
        .setHttp2ClearTextEnabled(false);
  }

  /**
   * As {@link #applyTo}, and HTTP/2 too: in clear (with prior knowledge or by an {@code h2c}
   * upgrade) and, when the options carry TLS, by ALPN. A connection is held to the same bounds as
   * an HTTP/1.1 one, see {@link #http2Settings()}; Vert.x's defence against rapid stream resets
   * stays on.
   */
  public HttpServerOptions applyWithHttp2To(HttpServerOptions options, long silentConnectionMs) {
    return applyWithHttp2To(options, silentConnectionMs, ConnectionGuard.canWatchAccepts());
  }

  /**
   * As {@link #applyWithHttp2To(HttpServerOptions, long)}; without {@code guardedFromAccept} (a
   * Vert.x whose listening socket {@link ConnectionGuard} cannot reach) HTTP/2 in clear stays off,
   * said in one WARN line: a connection's first request would otherwise escape the header deadline,
   * and an h2c upgrade the checks on it. HTTP/1.1, and HTTP/2 over TLS, are unaffected.
   */
  HttpServerOptions applyWithHttp2To(HttpServerOptions options, long silentConnectionMs, boolean guardedFromAccept) {
    HttpServerOptions applied = applyTo(options, silentConnectionMs).setInitialSettings(http2Settings());
    if (!guardedFromAccept) {
      org.slf4j.LoggerFactory.getLogger(ServerLimits.class).warn("HTTP/2 in clear (h2c) is off: this Vert.x"
          + " version keeps its listening socket out of the connection guard's reach; HTTP/1.1, and HTTP/2 over"
          + " TLS, work as usual");
      return applied;
    }
    return applied.setHttp2ClearTextEnabled(true);
  }

  /**
   * What an HTTP/2 client is told it may send: a header list no larger than an HTTP/1.1 header
   * block may be (larger is refused), at most {@link #HTTP2_MAX_CONCURRENT_STREAMS} calls at once
   * on one connection, and {@link #HTTP2_INITIAL_WINDOW} unread request-body bytes per stream. The
   * window is what keeps a stream's body from being pushed faster than the gateway reads it; each
   * stream's response obeys the client's window in the same way, so one slow reader never holds up
   * the others on its connection.
   */
  public Http2Settings http2Settings() {
    return new Http2Settings()
        .setMaxHeaderListSize(maxHeaderBytes)
        .setMaxConcurrentStreams(HTTP2_MAX_CONCURRENT_STREAMS)
        .setInitialWindowSize(HTTP2_INITIAL_WINDOW);
  }

  /**
   * Streams one HTTP/2 connection may have open: a client that needs more opens more connections,
   * as it would with HTTP/1.1, and each connection's calls stay bounded.
   */
  public static final int HTTP2_MAX_CONCURRENT_STREAMS = 128;
  /** Per-stream flow-control window for request bodies (HTTP/2's own default). */
  public static final int HTTP2_INITIAL_WINDOW = 65_535;
}
