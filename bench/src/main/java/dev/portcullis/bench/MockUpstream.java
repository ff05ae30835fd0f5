package dev.portcullis.bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;

/**
 * A fast stand-in for OpenAI for benchmarks: {@code POST /v1/chat/completions} answers at once,
 * with a JSON completion or, when the body asks for a stream, ten SSE chunks 1 ms apart.
 * Unlike the testkit's recording upstream it keeps nothing, so it costs as little as possible.
 *
 * <p>Usage: {@code MockUpstream <port>}
 */
public final class MockUpstream {

  static final Buffer COMPLETION = Buffer.buffer("""
      {"id":"chatcmpl-bench","object":"chat.completion","created":1710000000,"model":"gpt-4o-mini",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the benchmark upstream."},\
      "finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}""");

  private MockUpstream() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
        .requestHandler(request -> request.body().onSuccess(body -> {
          HttpServerResponse response = request.response();
          if (body.length() > 0 && body.toString().contains("\"stream\":true")) {
            response.setChunked(true).putHeader("content-type", "text/event-stream");
            stream(vertx, response, 0);
          } else {
            response.putHeader("content-type", "application/json").putHeader("x-request-id", "bench").end(COMPLETION);
          }
        }))
        .listen()
        .onSuccess(s -> System.out.println("mock upstream listening on " + s.actualPort()));
  }

  private static void stream(Vertx vertx, HttpServerResponse response, int index) {
    if (index == 10) {
      response.end("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}}\n\ndata: [DONE]\n\n");
      return;
    }
    response.write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":"
        + "[{\"index\":0,\"delta\":{\"content\":\"token" + index + "\"},\"finish_reason\":null}]}\n\n");
    vertx.setTimer(1, t -> stream(vertx, response, index + 1));
  }
}
