package dev.portcullis.app.fuzz;

import dev.portcullis.testkit.ClientContext;
import org.slf4j.LoggerFactory;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTTP-client half of the run: Vert.x's client with kept-alive connections, for throughput.
 * It sends what a client library would (its own framing and Host), with the case's method,
 * target, headers and body.
 */
final class ClientTransport implements AutoCloseable {

  /** One event loop: every call runs on one context (see {@link ClientContext} for the Vert.x race that avoids). */
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
  private final ClientContext context = new ClientContext(vertx);
  private final HttpClientAgent client;
  private final SlowAnswers slow;

  ClientTransport(int connections, int timeoutMs, SlowAnswers slow) {
    this.slow = slow;
    // The fuzzer's own client: its connection errors and its pool's known race are not the
    // gateway's, so they must not show up as ERROR lines the suite counts against the gateway.
    vertx.exceptionHandler(err -> LoggerFactory.getLogger(ClientTransport.class).debug("fuzz client: {}", err.toString()));
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setMaxInitialLineLength(200_000)
            .setMaxHeaderSize(200_000).setConnectTimeout(timeoutMs).setIdleTimeout(0))
        .with(new PoolOptions().setHttp1MaxSize(connections))
        .withConnectHandler(connection -> connection.exceptionHandler(err -> { }))
        .build();
  }

  /**
   * Sends the case; a call whose kept-alive connection the server closed under it is sent once
   * more on another, as client libraries do. {@code client-stuck} means it waited behind other
   * calls for a connection past the bound: not the server's answer, so not judged. A call whose
   * answer began but did not end within that bound is {@code body-stalled}: the server's silence.
   */
  Future<Answer> send(FuzzCase c, int port) {
    return once(c, port).compose(answer -> "no-answer".equals(answer.problem())
        ? once(c, port) : Future.succeededFuture(answer));
  }

  private Future<Answer> once(FuzzCase c, int port) {
    return context.call(() -> exchange(c, port));
  }

  private Future<Answer> exchange(FuzzCase c, int port) {
    long hangMs = slow.hangMs();
    RequestOptions options = new RequestOptions().setHost("127.0.0.1").setPort(port)
        .setMethod(HttpMethod.valueOf(c.method)).setURI(c.target)
        // Waiting for a pooled connection is not the server's silence: only the idle timeout, once sent, counts.
        .setConnectTimeout(60_000).setIdleTimeout(hangMs);
    for (FuzzCase.Header header : c.headers) {
      options.addHeader(header.name(), header.value());
    }
    try {
      long[] sentAt = new long[1];
      boolean[] answerBegan = new boolean[1];
      return client.request(options)
          .compose(request -> {
            sentAt[0] = System.nanoTime();
            return request.send(Buffer.buffer(c.body));
          })
          .compose(response -> {
            // The idle timeout ends at the answer's head (Vert.x cancels it there); the bound below covers the body.
            answerBegan[0] = true;
            return response.body().map(body -> {
              Map<String, List<String>> headers = new LinkedHashMap<>();
              response.headers().forEach(h -> headers.computeIfAbsent(h.getKey().toLowerCase(Locale.ROOT),
                  k -> new ArrayList<>()).add(h.getValue()));
              long tookMs = (System.nanoTime() - sentAt[0]) / 1_000_000L;
              slow.took(tookMs);
              return new Answer(response.statusCode(), headers, body.getBytes(), null);
            });
          })
          .recover(failure -> Future.succeededFuture(Answer.problem(classify(failure))))
          // A bound of our own: a call the client's timeouts do not end (queued for a connection) ends here.
          .timeout(2L * hangMs + 2_000L, java.util.concurrent.TimeUnit.MILLISECONDS)
          .recover(stuck -> Future.succeededFuture(Answer.problem(answerBegan[0] ? "body-stalled" : "client-stuck")));
    } catch (RuntimeException refused) {
      return Future.succeededFuture(Answer.problem("not-sent"));
    }
  }

  private static String classify(Throwable failure) {
    String text = String.valueOf(failure);
    if (failure instanceof java.util.concurrent.TimeoutException || text.contains("imeout")) {
      return "timeout";
    }
    if (failure instanceof IllegalArgumentException || failure instanceof IllegalStateException
        && !text.contains("closed")) {
      return "not-sent";
    }
    return "no-answer";
  }

  @Override
  public void close() {
    client.close().await();
    vertx.close().await();
  }
}
