package dev.portcullis.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local HTTP server that stands in for an LLM provider in tests: it records every request it
 * receives (method, path, query, headers, body bytes) and answers with the responder registered
 * for the method and path, in the provider's real wire format (see the provider fixtures).
 *
 * <p>Routes are matched on the exact path; a responder registered with {@link #onPrefix} matches
 * any path starting with the prefix. Unmatched requests get a 404 in OpenAI's error format.
 */
public final class RecordingUpstream implements AutoCloseable {

  private final Vertx vertx;
  private final HttpServer server;
  private final Map<String, UpstreamResponder> exact = new ConcurrentHashMap<>();
  private final Map<String, UpstreamResponder> prefixes = new ConcurrentHashMap<>();
  private final List<RecordedRequest> received = new CopyOnWriteArrayList<>();
  private final LinkedBlockingQueue<RecordedRequest> arrivals = new LinkedBlockingQueue<>();
  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger closedConnections = new AtomicInteger();
  private volatile boolean recording = true;

  private final String scheme;
  private final String host;

  private RecordingUpstream(Vertx vertx, HttpServerOptions options, String scheme) {
    this.vertx = vertx;
    this.scheme = scheme;
    this.host = options.getHost();
    this.server = vertx.createHttpServer(options);
    server.connectionHandler(connection -> {
      // A test upstream is not under test: its connections' errors are nobody's ERROR line.
      connection.exceptionHandler(err -> { });
      openConnections.incrementAndGet();
      connection.closeHandler(v -> {
        openConnections.decrementAndGet();
        closedConnections.incrementAndGet();
      });
    });
    server.requestHandler(this::handle);
  }

  /** Starts an upstream on a free loopback port. */
  public static RecordingUpstream start(Vertx vertx) {
    return start(vertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0));
  }

  /** Starts an upstream with its own server options (TLS, for endpoints that accept only https). */
  public static RecordingUpstream start(Vertx vertx, HttpServerOptions options) {
    RecordingUpstream upstream = new RecordingUpstream(vertx, options, options.isSsl() ? "https" : "http");
    upstream.server.listen().await();
    return upstream;
  }

  /**
   * Starts an HTTPS upstream on {@code localhost} with the given certificate, for clients that
   * refuse plain HTTP (msal4j insists on an https authority); the test trusts the certificate.
   */
  public static RecordingUpstream startTls(Vertx vertx, SelfSignedCertificate certificate) {
    RecordingUpstream upstream = new RecordingUpstream(vertx, new HttpServerOptions().setHost("localhost").setPort(0)
        .setSsl(true).setKeyCertOptions(certificate.keyCertOptions()), "https");
    upstream.server.listen().await();
    return upstream;
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:<port>} (or {@code https://localhost:<port>}) followed by the given path prefix. */
  public String baseUrl(String pathPrefix) {
    return scheme + "://" + host + ":" + port() + pathPrefix;
  }

  public RecordingUpstream on(String method, String path, UpstreamResponder responder) {
    exact.put(method + " " + path, responder);
    return this;
  }

  public RecordingUpstream onPrefix(String method, String pathPrefix, UpstreamResponder responder) {
    prefixes.put(method + " " + pathPrefix, responder);
    return this;
  }

  public List<RecordedRequest> received() {
    return new ArrayList<>(received);
  }

  /** The last request received, or {@code null}. */
  public RecordedRequest last() {
    List<RecordedRequest> all = received();
    return all.isEmpty() ? null : all.get(all.size() - 1);
  }

  /** Waits for the next request to arrive (its body read), or fails after the timeout. */
  public RecordedRequest awaitRequest(long timeout, TimeUnit unit) throws InterruptedException {
    RecordedRequest request = arrivals.poll(timeout, unit);
    if (request == null) {
      throw new AssertionError("the upstream received no request within " + timeout + " " + unit);
    }
    return request;
  }

  /**
   * Stops keeping what arrives (responders still see every request): for load and fuzz runs of
   * many thousand calls, whose records would otherwise pile up in memory.
   */
  public RecordingUpstream stopRecording() {
    recording = false;
    reset();
    return this;
  }

  public void reset() {
    received.clear();
    arrivals.clear();
  }

  public int openConnections() {
    return openConnections.get();
  }

  public int closedConnections() {
    return closedConnections.get();
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      RecordedRequest recorded = new RecordedRequest(request.method().name(), request.path(), request.query(),
          headers, body);
      if (recording) {
        received.add(recorded);
        arrivals.add(recorded);
      }
      UpstreamResponder responder = find(request.method().name(), request.path());
      if (responder == null) {
        request.response().setStatusCode(404).putHeader("content-type", "application/json")
            .end("{\"error\":{\"message\":\"test upstream has no route for " + request.method() + " "
                + request.path() + "\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}}");
        return;
      }
      try {
        responder.respond(request, body);
      } catch (RuntimeException e) {
        request.response().setStatusCode(500).end("test responder failed: " + e);
      }
    });
  }

  private UpstreamResponder find(String method, String path) {
    UpstreamResponder responder = exact.get(method + " " + path);
    if (responder != null) {
      return responder;
    }
    String best = null;
    for (String key : prefixes.keySet()) {
      String prefix = key.substring(key.indexOf(' ') + 1);
      if (key.startsWith(method + " ") && path.startsWith(prefix) && (best == null || key.length() > best.length())) {
        best = key;
      }
    }
    return best == null ? null : prefixes.get(best);
  }

  public Vertx vertx() {
    return vertx;
  }

  @Override
  public void close() {
    server.close().await();
  }

  /** A responder that answers with a status, a JSON content type and a body. */
  public static UpstreamResponder json(int status, String body) {
    return json(status, body, Map.of());
  }

  public static UpstreamResponder json(int status, String body, Map<String, String> headers) {
    return (request, ignored) -> {
      var response = request.response().setStatusCode(status).putHeader("content-type", "application/json");
      headers.forEach(response::putHeader);
      response.end(body);
    };
  }

  /** A responder that never answers (to test timeouts). */
  public static UpstreamResponder silent() {
    return (request, body) -> {};
  }
}
