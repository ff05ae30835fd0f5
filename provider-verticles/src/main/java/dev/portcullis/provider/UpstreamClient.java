package dev.portcullis.provider;

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
    this.tls = vertx.createHttpClient(new HttpClientOptions(common)
            .setProtocolVersion(HttpVersion.HTTP_2)
            .setUseAlpn(true)
            .setHttp2KeepAliveTimeout(60),
        new PoolOptions().setHttp1MaxSize(256).setHttp2MaxSize(8));
    this.plain = vertx.createHttpClient(new HttpClientOptions(common).setProtocolVersion(HttpVersion.HTTP_1_1),
        new PoolOptions().setHttp1MaxSize(256));
  }

  /** Opens a request for the call; the caller sends the body and reads the answer. */
  public Future<HttpClientRequest> open(UpstreamCall call, long idleTimeoutMs) {
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(call.method()))
        .setAbsoluteURI(call.url())
        .setHeaders(call.headers())
        .setConnectTimeout(connectTimeoutMs)
        .setIdleTimeout(idleTimeoutMs);
    HttpClientAgent agent = call.url().regionMatches(true, 0, "https:", 0, 6) ? tls : plain;
    return agent.request(options);
  }

  public Future<Void> close() {
    return Future.all(tls.close(), plain.close()).mapEmpty();
  }
}
