package dev.portcullis.provider;

import dev.portcullis.common.settings.UpstreamTimeouts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

/**
 * The upstream HTTP client of one provider verticle instance: keep-alive pools, HTTP/2 over TLS
 * where the upstream offers it (ALPN, falling back to HTTP/1.1), plain HTTP/1.1 for {@code http://}
 * upstreams (self-hosted vLLM and Ollama, test doubles), where an h2c upgrade would only cost a
 * round trip. Bodies are relayed as they are: no decompression.
 */
public final class UpstreamClient {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(UpstreamClient.class);

  private final HttpClientAgent tls;
  private final HttpClientAgent plain;

  private final long connectTimeoutMs;

  public UpstreamClient(Vertx vertx, long connectTimeoutMs) {
    this.connectTimeoutMs = connectTimeoutMs;
    HttpClientOptions common = new HttpClientOptions()
        .setKeepAlive(true)
        .setKeepAliveTimeout(60)
        .setTcpNoDelay(true)
        .setDecompressionSupported(false)
        .setConnectTimeout((int) connectTimeoutMs)
        .setMaxHeaderSize(64 * 1024);
    // A connection error (an upstream that answers malformed HTTP, a reset) fails the call in
    // flight, which answers the client with a 502; the connection itself is logged once at DEBUG,
    // not at ERROR as Vert.x does for a connection with no exception handler.
    this.tls = vertx.httpClientBuilder()
        .with(new HttpClientOptions(common)
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setUseAlpn(true)
            .setHttp2KeepAliveTimeout(60))
        .with(new PoolOptions().setHttp1MaxSize(256).setHttp2MaxSize(8))
        .withConnectHandler(UpstreamClient::quietErrors)
        .build();
    this.plain = vertx.httpClientBuilder()
        .with(new HttpClientOptions(common).setProtocolVersion(HttpVersion.HTTP_1_1))
        .with(new PoolOptions().setHttp1MaxSize(256))
        .withConnectHandler(UpstreamClient::quietErrors)
        .build();
  }

  private static void quietErrors(io.vertx.core.http.HttpConnection connection) {
    connection.exceptionHandler(err -> LOG.debug("upstream connection to {} failed: {}", connection.remoteAddress(),
        err.toString()));
  }

  /**
   * Opens a request for the call; the caller sends the body and reads the answer. Until the first
   * byte of the answer the request may stay silent for {@code timeouts.firstByteMs()}; the caller
   * then lowers or raises that to the idle limit ({@link HttpClientRequest#idleTimeout}).
   */
  public Future<HttpClientRequest> open(UpstreamCall call, UpstreamTimeouts timeouts) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(call.method()))
        .setAbsoluteURI(call.url())
        .setHeaders(call.headers())
        .setConnectTimeout(timeouts.connectMs())
        .setIdleTimeout(timeouts.firstByteMs());
    HttpClientAgent agent = call.url().regionMatches(true, 0, "https:", 0, 6) ? tls : plain;
    return agent.request(options);
  }

  /** Opens a request that may stay silent for {@code silenceMs} at any stage (a control-plane call, say). */
  public Future<HttpClientRequest> open(UpstreamCall call, long silenceMs) {
    return open(call, new UpstreamTimeouts(connectTimeoutMs, silenceMs, silenceMs));
  }

  public Future<Void> close() {
    return Future.all(tls.close(), plain.close()).mapEmpty();
  }
}
