package dev.portcullis.gateway.tls;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.ServerSSLOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a new certificate when its files change (a renewal, a rotated key): every
 * {@link TlsFiles#reloadIntervalMs()} the files are read on a worker thread and, when their bytes
 * differ and they check out, the server's TLS context is replaced; connections already open keep
 * theirs. A pair that does not check out (a file half-written, say) is logged and the current one
 * stays; the next check tries again.
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
  public CertificateReloader(Vertx vertx, HttpServer server, TlsFiles files, ServerSSLOptions base) {
    this.base = base.copy();
    this.vertx = vertx;
    this.server = server;
    this.files = files;
    this.serving = files.atStart();
  }

  public void start() {
    timer = vertx.setPeriodic(files.reloadIntervalMs(), id -> check());
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
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
        .onFailure(err -> LOG.warn("TLS certificate not reloaded, the current one stays: {}", err.getMessage()))
        .onComplete(done -> checking = false);
  }
}
