package dev.portcullis.app;

import dev.portcullis.common.http.ConnectionGuard;
import dev.portcullis.common.http.ErrorPage;
import dev.portcullis.common.http.ServerLimits;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Prometheus {@code GET /metrics} on its own port ({@code ARCHESTRA_METRICS_PORT}, 9050), behind
 * {@code Authorization: Bearer <ARCHESTRA_METRICS_SECRET>} when that is set. Without a secret it
 * listens on loopback only, unless {@code PORTCULLIS_METRICS_HOST} names an interface: metrics
 * name providers, models and routes, which are nobody else's business. Held to the same
 * {@link ServerLimits} as every Portcullis server: a scraper sends a few short headers and no body.
 */
final class MetricsServer extends VerticleBase {

  static final String PORT = "ARCHESTRA_METRICS_PORT";
  static final String SECRET = "ARCHESTRA_METRICS_SECRET";
  static final String HOST = "PORTCULLIS_METRICS_HOST";
  static final String LOOPBACK = "127.0.0.1";

  private final PrometheusMeterRegistry registry;
  private final String host;
  private final int port;
  private final byte[] expectedAuthorization;
  private final ServerLimits limits;
  private HttpServer server;

  MetricsServer(PrometheusMeterRegistry registry, String host, int port, String secret, ServerLimits limits) {
    this.registry = registry;
    this.limits = limits;
    this.host = host;
    this.port = port;
    this.expectedAuthorization = secret == null ? null : ("Bearer " + secret).getBytes(StandardCharsets.UTF_8);
  }

  /**
   * Where /metrics listens: the chosen host; else, with a secret, where the gateway listens; else
   * loopback only.
   */
  static String bindHost(String chosenHost, String secret, String gatewayHost) {
    if (chosenHost != null) {
      return chosenHost;
    }
    return secret != null ? gatewayHost : LOOPBACK;
  }

  @Override
  public Future<?> start() {
    // Scrapes are no calls: never a trace of their own, even with tracing on.
    server = vertx.createHttpServer(limits.applyTo(new HttpServerOptions().setTracingPolicy(TracingPolicy.IGNORE),
        limits.keepAliveTimeoutMs()));
    ConnectionGuard.install(server, limits, (uri, status, message) -> new ErrorPage.Page(
        "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8), Map.of()), "metrics");
    server.requestHandler(request -> {
      if (!request.path().equals("/metrics")) {
        request.response().setStatusCode(404).end("Not found. Metrics are at /metrics.\n");
        return;
      }
      if (expectedAuthorization != null) {
        String given = request.getHeader("Authorization");
        if (given == null || !MessageDigest.isEqual(expectedAuthorization, given.getBytes(StandardCharsets.UTF_8))) {
          request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Bearer")
              .end("Missing or wrong bearer token for /metrics (ARCHESTRA_METRICS_SECRET).\n");
          return;
        }
      }
      request.response().putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8")
          .end(registry.scrape());
    });
    return server.listen(port, host);
  }

  int actualPort() {
    return server.actualPort();
  }

  /** The interface it listens on. */
  String host() {
    return host;
  }
}
