package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.ClientContext;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request refused on its headers (too many fields: 431) while its client is still sending a
 * large body is answered on every port, as an HTTP client sees it: the fuzz suite once saw such
 * a PUT on the admin port (2,000 headers, a 2 MB body, through Vert.x's client) left without any
 * answer.
 */
class RefusalBeforeTheBodyTest {

  private static final int BODY_BYTES = 2_120_000;
  private static final int ROUNDS = 10;
  private static PortcullisUnderTest portcullis;
  private static Vertx clientVertx;
  /** Every client call of the class starts on it (see {@link ClientContext}). */
  private static ClientContext calls;
  private static HttpClientAgent client;

  @BeforeAll
  static void start() {
    portcullis = PortcullisUnderTest.start(Map.of());
    clientVertx = Vertx.vertx();
    calls = new ClientContext(clientVertx);
    client = clientVertx.createHttpClient(new HttpClientOptions().setMaxHeaderSize(200_000));
  }

  @AfterAll
  static void stop() {
    client.close().await();
    clientVertx.close().await();
    portcullis.close();
  }

  @Test
  void aRequestWithTooManyHeadersAndALargeBodyIsAnswered431OnEveryPort() throws Exception {
    int adminPort = URI.create(portcullis.adminUrl()).getPort();
    Map<String, String> targets = Map.of(
        "admin", "127.0.0.1:" + adminPort + "/api/admin/nope",
        "gateway", "127.0.0.1:" + portcullis.port() + "/v1/openai/chat/completions",
        "metrics", "127.0.0.1:" + portcullis.metricsPort() + "/metrics");
    for (Map.Entry<String, String> target : targets.entrySet()) {
      for (int round = 0; round < ROUNDS; round++) {
        assertThat(send(target.getValue()))
            .as(target.getKey() + " port, round " + round)
            .isEqualTo("431");
      }
    }
  }

  private static String send(String hostPortPath) throws Exception {
    int colon = hostPortPath.indexOf(':');
    int slash = hostPortPath.indexOf('/');
    RequestOptions options = new RequestOptions().setHost(hostPortPath.substring(0, colon))
        .setPort(Integer.parseInt(hostPortPath.substring(colon + 1, slash))).setURI(hostPortPath.substring(slash))
        .setMethod(HttpMethod.PUT).setIdleTimeout(5_000)
        .addHeader("Authorization", "bearer  ").addHeader("Content-Type", "application/json");
    for (int i = 0; i < 2_000; i++) {
      options.addHeader("X-H" + i, "v");
    }
    Buffer body = Buffer.buffer("x".repeat(BODY_BYTES));
    Future<String> status = calls.call(() -> client.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(b -> String.valueOf(response.statusCode()))))
        .recover(failure -> Future.succeededFuture("no answer: " + failure));
    try {
      return status.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      return "no answer within 20 s";
    }
  }
}
