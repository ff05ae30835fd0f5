package dev.portcullis.testkit;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted streamed answer: chunks of bytes written one by one, with optional pauses and gates,
 * so tests can see exactly when each chunk reaches the client. A gate holds the rest of the
 * stream until the test opens it, which proves the proxy relays what it has without waiting.
 */
public final class SseScript implements UpstreamResponder {

  private sealed interface Step permits Chunk, Delay, Gate {}

  private record Chunk(Buffer bytes) implements Step {}

  private record Delay(long millis) implements Step {}

  private record Gate(String name) implements Step {}

  private final List<Step> steps = new ArrayList<>();
  private final Map<String, CompletableFuture<Void>> gates = new ConcurrentHashMap<>();
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final CompletableFuture<Void> clientGone = new CompletableFuture<>();
  private int status = 200;
  private String contentType = "text/event-stream";
  private final Map<String, String> headers = new ConcurrentHashMap<>();

  public static SseScript create() {
    return new SseScript();
  }

  public SseScript status(int status) {
    this.status = status;
    return this;
  }

  public SseScript contentType(String contentType) {
    this.contentType = contentType;
    return this;
  }

  public SseScript header(String name, String value) {
    headers.put(name, value);
    return this;
  }

  /** Writes {@code data: <json>} followed by a blank line. */
  public SseScript data(String data) {
    return raw("data: " + data + "\n\n");
  }

  /** Writes {@code event: <name>}, {@code data: <json>} and a blank line. */
  public SseScript event(String name, String data) {
    return raw("event: " + name + "\ndata: " + data + "\n\n");
  }

  public SseScript raw(String text) {
    steps.add(new Chunk(Buffer.buffer(text)));
    return this;
  }

  public SseScript bytes(Buffer bytes) {
    steps.add(new Chunk(bytes));
    return this;
  }

  public SseScript delay(long millis) {
    steps.add(new Delay(millis));
    return this;
  }

  /** Holds the stream here until {@link #open(String)} is called. */
  public SseScript gate(String name) {
    gates.put(name, new CompletableFuture<>());
    steps.add(new Gate(name));
    return this;
  }

  public void open(String gate) {
    gates.get(gate).complete(null);
  }

  /** Completes when every step was written and the response ended. */
  public CompletableFuture<Void> finished() {
    return finished;
  }

  /** Completes when the proxy closed the connection before the stream ended. */
  public CompletableFuture<Void> clientGone() {
    return clientGone;
  }

  @Override
  public void respond(HttpServerRequest request, Buffer body) {
    HttpServerResponse response = request.response().setStatusCode(status).setChunked(true)
        .putHeader("content-type", contentType);
    headers.forEach(response::putHeader);
    response.closeHandler(v -> {
      if (!finished.isDone()) {
        clientGone.complete(null);
      }
    });
    Vertx vertx = Vertx.currentContext().owner();
    run(vertx, response, 0);
  }

  private void run(Vertx vertx, HttpServerResponse response, int index) {
    if (clientGone.isDone()) {
      return;
    }
    if (index == steps.size()) {
      response.end().onComplete(ar -> finished.complete(null));
      return;
    }
    Step step = steps.get(index);
    if (step instanceof Chunk chunk) {
      response.write(chunk.bytes());
      run(vertx, response, index + 1);
    } else if (step instanceof Delay delay) {
      vertx.setTimer(delay.millis(), t -> run(vertx, response, index + 1));
    } else if (step instanceof Gate gate) {
      Promise<Void> opened = Promise.promise();
      var context = Vertx.currentContext();
      gates.get(gate.name()).whenComplete((v, e) -> context.runOnContext(x -> opened.complete()));
      opened.future().onComplete(v -> run(vertx, response, index + 1));
    }
  }
}
