package dev.portcullis.gateway;

import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.http.ConnectionGuard;
import dev.portcullis.common.http.Http2Requests;
import dev.portcullis.common.http.PercentEscapes;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.gateway.auth.CredentialResolver;
import dev.portcullis.gateway.auth.KeylessAccess;
import dev.portcullis.gateway.auth.TokenEndpointHandler;
import dev.portcullis.gateway.limit.Limits;
import dev.portcullis.gateway.observe.CallRecorder;
import dev.portcullis.gateway.observe.GenAiSpans;
import dev.portcullis.gateway.proxy.ErrorResponses;
import dev.portcullis.gateway.proxy.ProviderAvailability;
import dev.portcullis.gateway.proxy.ProviderProxyHandler;
import dev.portcullis.gateway.routes.ProviderRoutes;
import dev.portcullis.common.tls.CertificateReloader;
import dev.portcullis.common.tls.TlsFiles;
import dev.portcullis.gateway.usage.UsageSettings;
import dev.portcullis.gateway.resilience.RetrySettings;
import dev.portcullis.gateway.resilience.UpstreamHealth;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge: the HTTP server on port 9000 with the provider routes, health and readiness. Several
 * instances share the port (one per event loop). Stopping it stops accepting at once and lets
 * in-flight calls and streams finish for up to the drain timeout.
 *
 * <p>The port speaks HTTP/1.1 and HTTP/2: in clear, HTTP/2 with prior knowledge (what the AWS SDK
 * for JavaScript sends to an {@code http://} endpoint) or by an {@code h2c} upgrade; with
 * {@link TlsFiles} set, TLS only, with ALPN choosing {@code h2} or {@code http/1.1}.
 */
public final class GatewayVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final GatewaySettings options;
  private final Settings settings;
  private final MeterRegistry registry;
  private final BooleanSupplier ready;
  private final ProviderAvailability availability;
  private final GenAiSpans spans;
  private HttpServer server;
  private ProviderProxyHandler proxy;
  private GatewayErrorPage errorPage;
  private CredentialResolver credentials;
  private CertificateReloader reloader;
  private UpstreamHealth health;
  private final Consumer<UsageRecord> usageSink;
  private final Limits limits;
  private final boolean policiesExist;

  /** @param availability explains, in a 503, why no instance of a provider answered (clustered mode) */
  public GatewayVerticle(GatewaySettings options, Settings settings, MeterRegistry registry, BooleanSupplier ready,
      ProviderAvailability availability) {
    this(options, settings, registry, ready, availability, null, null, null);
  }

  /**
   * @param availability explains, in a 503, why no instance of a provider answered (clustered mode)
   * @param usageSink    takes each finished call's usage record (the process's {@code UsageShipper});
   *                     {@code null} when usage records are off
   * @param spans        the GenAI span of each call when tracing is on, {@code null} when it is off
   * @param limits       the limit rules and their shared counters; {@code null}: no limits are enforced
   */
  public GatewayVerticle(GatewaySettings options, Settings settings, MeterRegistry registry, BooleanSupplier ready,
      ProviderAvailability availability, Consumer<UsageRecord> usageSink, GenAiSpans spans, Limits limits) {
    this(options, settings, registry, ready, availability, usageSink, spans, limits, true);
  }

  /**
   * @param policiesExist whether an auth-service can exist for this gateway (in this process or in
   *                      its cluster): without one there are no LLM proxies, so no policies to read
   */
  public GatewayVerticle(GatewaySettings options, Settings settings, MeterRegistry registry, BooleanSupplier ready,
      ProviderAvailability availability, Consumer<UsageRecord> usageSink, GenAiSpans spans, Limits limits,
      boolean policiesExist) {
    this.policiesExist = policiesExist;
    this.usageSink = usageSink;
    this.limits = limits;
    this.spans = spans;
    this.availability = availability;
    this.options = options;
    this.settings = settings;
    this.registry = registry;
    this.ready = ready;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    credentials = new CredentialResolver(vertx, settings);
    health = UpstreamHealth.attach(vertx, RetrySettings.from(settings), registry);
    proxy = new ProviderProxyHandler(vertx, ProviderRoutes.standard(), options, new CallRecorder(registry),
        credentials, new KeylessAccess(settings), availability, usageSink, UsageSettings.from(settings).auditBodyBytes(),
        spans, limits == null ? null : limits.enforcer(vertx, registry), policiesExist, health, registry);
    Router router = Router.router(vertx);
    router.get("/health").handler(ctx -> json(ctx, 200, new JsonObject().put("status", "UP")));
    router.get("/ready").handler(ctx -> {
      boolean isReady = ready.getAsBoolean();
      // Circuits that are not closed are reported, not failed on: the gateway still takes calls.
      json(ctx, isReady ? 200 : 503, new JsonObject().put("status", isReady ? "READY" : "STARTING")
          .put("circuits", health.circuits()));
    });
    router.post(TokenEndpointHandler.PATH).handler(new TokenEndpointHandler(vertx, settings));
    // The proxy reads bodies itself, within the body limit and the gateway-wide buffered-bytes cap,
    // and only once the route is known: an unknown path is refused unread.
    router.route("/v1/*")
        .handler(proxy::handle)
        .failureHandler(ctx -> {
          proxy.recordFailure(ctx, failureStatus(ctx));
          onFailure(ctx);
        });
    router.route().handler(ctx -> ErrorResponses.send(ctx.response(),
        ProviderProxyHandler.formatOf(ctx), GatewayError.notFound("Unknown path " + ctx.normalizedPath()
            + ". Provider routes look like /v1/<provider>[/<llm-proxy-id>]/..."), null));
    router.route().failureHandler(this::onFailure);

    // A connection silent both ways is closed only well after the upstream timeout: a call waiting
    // on a slow model is silent too, and ends with its own 504 first.
    HttpServerOptions serverOptions = options.limits().applyWithHttp2To(new HttpServerOptions()
        .setHost(options.host())
        .setPort(options.port())
        .setTcpNoDelay(true)
        .setCompressionSupported(false), options.upstreamTimeouts().longestSilenceMs() + 60_000);
    TlsFiles tls = options.tls();
    if (tls != null) {
      serverOptions.setSsl(true).setUseAlpn(true)
          .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
          .setKeyCertOptions(tls.atStart().keyCertOptions())
          // The handshake is part of what a client must finish before its headers' deadline.
          .setSslHandshakeTimeoutUnit(TimeUnit.MILLISECONDS)
          .setSslHandshakeTimeout(options.limits().headerTimeoutMs());
    }
    server = vertx.createHttpServer(serverOptions);
    errorPage = new GatewayErrorPage(ProviderRoutes.standard());
    ConnectionGuard.install(server, options.limits(), errorPage, "gateway");
    // A malformed percent escape in the path or query is refused before vertx-web sees it: its
    // router would answer a bare "Bad Request" and log the decoding exception as an ERROR.
    return server.requestHandler(request -> {
          if (!Http2Requests.admit(request, options.limits(), errorPage)) {
            return;
          }
          String target = request.uri();
          if (!PercentEscapes.wellFormed(target)) {
            errorPage.answer(request, 400, "The request path or query has a malformed percent escape (a '%' must be"
                + " followed by two hex digits).");
            return;
          }
          router.handle(request);
        }).listen()
        .onSuccess(s -> {
          boolean h2c = tls == null && serverOptions.isHttp2ClearTextEnabled();
          if (h2c) {
            // In clear, Vert.x sets a connection up only after its first bytes: the guard watches
            // from the accept instead. (With TLS it sets HTTP/1.1 up after the handshake, guarded then.)
            ConnectionGuard.watchAccepts(s);
          } else if (tls != null) {
            reloader = CertificateReloader.startOnce(vertx, s, tls, serverOptions.getSslOptions());
          }
          LOG.info("gateway listening on {}:{} ({})", options.host(), s.actualPort(),
              tls != null ? "TLS, HTTP/2 and HTTP/1.1 by ALPN" : h2c ? "HTTP/1.1 and HTTP/2 in clear" : "HTTP/1.1");
        });
  }

  /**
   * Drains, then closes. New calls are refused with 503 while the calls and streams in flight
   * finish (up to the drain timeout); only then is the server closed. Vert.x 5.0.7's own
   * {@code HttpServer.shutdown(timeout)} closes HTTP/1.1 connections with a response in progress at
   * once (its HTTP/1 connection cancels the grace timer), which would cut every stream.
   */
  @Override
  public Future<?> stop() {
    if (server == null) {
      return Future.succeededFuture();
    }
    if (reloader != null) {
      reloader.stop();
    }
    return proxy.drain(options.drainTimeoutMs()).compose(v -> server.close()).compose(v -> credentials.close())
        .onComplete(v -> health.detach(vertx));
  }

  public int actualPort() {
    return server.actualPort();
  }

  private static int failureStatus(RoutingContext ctx) {
    return ctx.statusCode() > 0 ? ctx.statusCode() : 500;
  }

  private void onFailure(RoutingContext ctx) {
    int status = failureStatus(ctx);
    GatewayError error = switch (status) {
      case 413 -> GatewayError.of(ErrorKind.PAYLOAD_TOO_LARGE, "The request body is larger than the limit of "
          + options.bodyLimitBytes() + " bytes (" + GatewaySettings.BODY_LIMIT + ").");
      case 400 -> GatewayError.invalidRequest("The request could not be read.", null);
      case 404 -> GatewayError.notFound("Unknown path " + ctx.normalizedPath() + ".");
      case 417 -> GatewayError.of(ErrorKind.EXPECTATION_FAILED, "Only Expect: 100-continue is supported.");
      default -> {
        if (status < 500) {
          // vertx-web refused something the client sent: the client's mistake, not an error of ours.
          LOG.debug("request refused with {}", status);
          yield new GatewayError(ErrorKind.fromStatus(status), "The request could not be handled (status "
              + status + ").", null);
        }
        if (ctx.failure() != null) {
          LOG.error("request failed", ctx.failure());
        }
        yield GatewayError.internal("Portcullis failed to handle the request.");
      }
    };
    if (ProviderProxyHandler.requestIdOf(ctx) == null && !ctx.response().headWritten()) {
      // Refused before a call was matched (vertx-web turned down a Host header, say): still in the
      // format of the API the path names, RFC 6749's on the token endpoint.
      errorPage.send(ctx.request(), status, error.message());
      return;
    }
    ErrorResponses.send(ctx.response(), ProviderProxyHandler.formatOf(ctx), error,
        ProviderProxyHandler.requestIdOf(ctx));
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json").end(body.toBuffer());
  }
}
