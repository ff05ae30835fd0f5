package dev.portcullis.examples.busclient;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.Failures;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.stream.bus.StreamFailureException;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One streamed OpenAI chat completion over the Portcullis event bus, exactly as the gateway makes
 * it: open a {@link StreamReceiver} (a fresh {@code portcullis.stream.<uuid>} address), send a
 * {@link ProxyRequest} naming it to {@code portcullis.provider.openai}, take the HEAD reply, then
 * hand each DATA frame's bytes (raw SSE, as OpenAI sent them) to {@code onChunk} as it arrives.
 * Credit flows back by itself as chunks are consumed.
 *
 * <p>Run it on a Vert.x context (its handlers run there): {@code vertx.runOnContext(...)} or in a
 * verticle.
 */
public final class StreamingChatCall {

  /** DATA frames the provider may send ahead of us. */
  private static final int WINDOW = 16;

  private final Vertx vertx;
  private final long timeoutMs;

  public StreamingChatCall(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /**
   * @param body       the OpenAI chat completion request body, with {@code "stream": true}
   * @param credential the upstream credential (an API key the provider sends in its own header), or
   *                   {@code null} to forward {@code authorization} untouched (passthrough)
   * @param authorization the caller's own {@code Authorization} header value for passthrough, or {@code null}
   * @return completes with the usage from the END frame, or fails with a {@link GatewayException}
   */
  public Future<Usage> stream(String model, Buffer body, UpstreamCredential credential, String authorization,
      Consumer<Buffer> onChunk) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    if (authorization != null) {
      headers.add("authorization", authorization);
    }
    StreamReceiver receiver = StreamReceiver.open(vertx, WINDOW, timeoutMs);
    ProxyRequest request = ProxyRequest.builder()
        .provider("openai")
        .operation(Operation.CHAT_COMPLETIONS.wireName())
        .method("POST")
        .path("/chat/completions")
        .headers(headers)
        .body(body)
        .credential(credential)
        .requestId("bus-client-" + UUID.randomUUID())
        .model(model)
        .timeoutMs(timeoutMs)
        .stream(receiver.address(), receiver.window())
        .build();
    Promise<Usage> done = Promise.promise();
    // Register the stream address before the provider may send to it.
    receiver.ready()
        // One bus hop from the upstream call: the provider answers (or fails with 504) first.
        .compose(v -> vertx.eventBus().<Object>request(Addresses.provider("openai"), request,
            Failures.busDelivery(timeoutMs, 1)))
        .onFailure(err -> {
          receiver.close();
          done.tryFail(err);
        })
        .onSuccess(reply -> {
          Object answer = reply.body();
          if (answer instanceof StreamFrame.Head head) {
            receiver.handler(onChunk::accept)
                .exceptionHandler(err -> done.tryFail(err instanceof StreamFailureException failure
                    ? new GatewayException(failure.error()) : err))
                .endHandler(v -> done.tryComplete(receiver.usage()));
            receiver.onHead(head);
          } else {
            receiver.close();
            // Not a stream: an upstream error status is answered whole, a Portcullis error as GatewayError.
            done.tryFail(answer instanceof ProxyResponse whole
                ? new GatewayException(GatewayError.upstreamUnreachable("openai answered " + whole.status() + ": "
                    + whole.body().toString()))
                : new GatewayException(answer instanceof GatewayError error ? error
                    : GatewayError.internal("unexpected answer " + answer)));
          }
        });
    return done.future();
  }
}
