package dev.portcullis.common.tls;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a new certificate when its files change (a renewal, a rotated key): every
 * {@link TlsFiles#reloadIntervalMs()} the files are read on a worker thread and, when their bytes
 * differ and they check out, the server's TLS context is replaced; connections already open keep
 * theirs. A pair that does not check out (a file half-written, say) is logged once and the current
 * one stays; the next check tries again. Gateway instances share one listening socket and one TLS
 * context, so one reloader serves them all: the first instance to start it ({@link #startOnce}).
 */
public final class CertificateReloader {

  private static final Logger LOG = LoggerFactory.getLogger(CertificateReloader.class);

  private final Vertx vertx;
  private final HttpServer server;
  private final TlsFiles files;
  private final ServerSSLOptions base;
  private PemPair serving;
  private boolean checking;
  private long timer = -1;

  /** @param base the server's TLS options (ALPN, handshake timeout): kept, only the pair changes */
  private static final java.util.Set<TlsFiles> RUNNING = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private String lastProblem;

  /**
   * A reloader for {@code files}, started, unless another gateway instance runs one for the same
   * files already ({@code null} then).
   */
  public static CertificateReloader startOnce(Vertx vertx, HttpServer server, TlsFiles files, ServerSSLOptions base) {
    if (!RUNNING.add(files)) {
      return null;
    }
    CertificateReloader reloader = new CertificateReloader(vertx, server, files, base);
    reloader.start();
    return reloader;
  }

  private CertificateReloader(Vertx vertx, HttpServer server, TlsFiles files, ServerSSLOptions base) {
    this.base = base.copy();
    this.vertx = vertx;
    this.server = server;
    this.files = files;
    this.serving = files.atStart();
  }

  private void start() {
    timer = vertx.setPeriodic(files.reloadIntervalMs(), id -> check());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    RUNNING.remove(files);
  }

  private void check() {
    if (checking) {
      return;
    }
    checking = true;
    vertx.executeBlocking(files::read, false)
        .compose(read -> {
          if (read.sameAs(serving)) {
            return io.vertx.core.Future.succeededFuture(false);
          }
          return server.updateSSLOptions(base.copy().setKeyCertOptions(read.keyCertOptions()))
              .onSuccess(updated -> {
                serving = read;
                LOG.info("TLS certificate reloaded from {}", files.certFile());
              });
        })
        .onSuccess(v -> lastProblem = null)
        .onFailure(err -> {
          // Once per problem, not once per check: a file left broken would flood the log.
          if (!String.valueOf(err.getMessage()).equals(lastProblem)) {
            lastProblem = String.valueOf(err.getMessage());
            LOG.warn("TLS certificate not reloaded, the current one stays: {}", lastProblem);
          }
        })
        .onComplete(done -> checking = false);
  }
}
