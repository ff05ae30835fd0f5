package dev.portcullis.bench;

import dev.portcullis.testkit.AnthropicWire;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * A fast stand-in for OpenAI and Anthropic for benchmarks. {@code POST /v1/messages} answers as
 * Anthropic's Messages API does; any other path as OpenAI's {@code /v1/chat/completions}. Each
 * answers at once with a JSON body or, when the body asks for a stream, ten text pieces 1 ms apart
 * (Anthropic's opening events go out with the first piece and its closing events after the last,
 * so both streams take eleven writes and compare fairly). Unlike the testkit's recording upstream
 * it keeps nothing and serves prebuilt buffers, so it costs as little as possible.
 *
 * <p>Usage: {@code MockUpstream <port>}
 */
public final class MockUpstream {

  static final Buffer COMPLETION = Buffer.buffer("""
      {"id":"chatcmpl-bench","object":"chat.completion","created":1710000000,"model":"gpt-4o-mini",\
      "choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the benchmark upstream."},\
      "finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19}}""");

  private static final int PIECES = 10;
  private static final String CLAUDE = "claude-sonnet-4-5-20250929";

  /** Anthropic's wire format, from the testkit fixtures the router's own tests use. */
  static final Buffer MESSAGE = Buffer.buffer(
      AnthropicWire.message(CLAUDE, "Hello from the benchmark upstream.", 12, 7));
  static final List<Buffer> MESSAGE_STREAM = anthropicStreamWrites();

  private MockUpstream() {}

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    vertx.createHttpServer(new HttpServerOptions().setPort(port).setHost("127.0.0.1").setTcpNoDelay(true))
        .requestHandler(request -> request.body().onSuccess(body -> {
          boolean stream = body.length() > 0 && body.toString().contains("\"stream\":true");
          if (request.path().endsWith("/messages")) {
            anthropic(vertx, request, stream);
          } else {
            openAi(vertx, request, stream);
          }
        }))
        .listen()
        .onSuccess(s -> System.out.println("mock upstream listening on " + s.actualPort()));
  }

  private static void openAi(Vertx vertx, HttpServerRequest request, boolean stream) {
    HttpServerResponse response = request.response();
    if (stream) {
      response.setChunked(true).putHeader("content-type", "text/event-stream");
      openAiStream(vertx, response, 0);
    } else {
      response.putHeader("content-type", "application/json").putHeader("x-request-id", "bench").end(COMPLETION);
    }
  }

  private static void openAiStream(Vertx vertx, HttpServerResponse response, int index) {
    if (index == PIECES) {
      response.end("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"choices\":[],"
          + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":10,\"total_tokens\":22}}\n\ndata: [DONE]\n\n");
      return;
    }
    response.write("data: {\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"model\":\"gpt-4o-mini\",\"choices\":"
        + "[{\"index\":0,\"delta\":{\"content\":\"token" + index + "\"},\"finish_reason\":null}]}\n\n");
    vertx.setTimer(1, t -> openAiStream(vertx, response, index + 1));
  }

  private static void anthropic(Vertx vertx, HttpServerRequest request, boolean stream) {
    HttpServerResponse response = request.response().putHeader("request-id", "req_bench")
        .putHeader("anthropic-organization-id", "bench");
    if (stream) {
      response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
          .putHeader("cache-control", "no-cache");
      anthropicStream(vertx, response, 0);
    } else {
      response.putHeader("content-type", "application/json").end(MESSAGE);
    }
  }

  private static void anthropicStream(Vertx vertx, HttpServerResponse response, int write) {
    if (write == MESSAGE_STREAM.size() - 1) {
      response.end(MESSAGE_STREAM.get(write));
      return;
    }
    response.write(MESSAGE_STREAM.get(write));
    vertx.setTimer(1, t -> anthropicStream(vertx, response, write + 1));
  }

  /**
   * The event sequence Anthropic sends (message_start, content_block_start, ping, one
   * content_block_delta per piece, content_block_stop, message_delta with usage, message_stop),
   * grouped into one write per piece plus a closing write.
   */
  private static List<Buffer> anthropicStreamWrites() {
    List<String> pieces = IntStream.range(0, PIECES).mapToObj(i -> "token" + i).toList();
    List<String[]> events = AnthropicWire.textStream(CLAUDE, pieces, 12, PIECES);
    List<Buffer> writes = new ArrayList<>();
    Buffer current = Buffer.buffer();
    for (String[] event : events) {
      current.appendString("event: " + event[0] + "\ndata: " + event[1] + "\n\n");
      if (event[0].equals("content_block_delta")) {
        writes.add(current);
        current = Buffer.buffer();
      }
    }
    writes.add(current);
    return List.copyOf(writes);
  }
}
