package dev.portcullis.router.call;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.stream.bus.StreamFailureException;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;
import dev.portcullis.common.stream.bus.StreamSender;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A stream through the model router ends at once with an error when the router's own code throws
 * on it (a translator, a usage reader): the gateway never waits for its idle timeout. A stand-in
 * provider verticle streams two chunks; the transform under test throws where the test says. The
 * gateway side waits at most 2 s, far below the 30 s idle timeout of the streams.
 */
class StreamPipeFailuresTest {

  private static final String SECRET = "sk-secret-in-an-exception";
  private static final long IDLE_TIMEOUT_MS = 30_000;

  private Vertx vertx;
  private MessageConsumer<ProxyRequest> provider;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    BusCodecs.register(vertx);
    // A provider verticle's streamed answer: HEAD as the reply, two DATA frames, END.
    provider = vertx.eventBus().consumer(Addresses.provider("anthropic"), message -> {
      ProxyRequest request = message.body();
      StreamSender sender = new StreamSender(vertx, request.streamAddress(), request.initialCredit(), IDLE_TIMEOUT_MS);
      sender.ready().onSuccess(v -> {
        message.reply(sender.head(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "text/event-stream")));
        vertx.setTimer(20, t -> {
          sender.write(Buffer.buffer("event: one\n\n"));
          sender.write(Buffer.buffer("event: two\n\n"));
          sender.end(Usage.UNKNOWN);
        });
      });
    });
    provider.completion().await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void anErrorThrownOnDataEndsTheStreamWithA500() throws Exception {
    GatewayError error = streamFailure(transform(bytes -> {
      throw new AssertionError("translator invariant broken near " + SECRET);
    }, () -> Buffer.buffer()));

    assertThat(error.kind()).isEqualTo(ErrorKind.INTERNAL);
    assertThat(error.message()).doesNotContain(SECRET);
  }

  @Test
  void anExceptionThrownAtTheEndEndsTheStreamWithA500() throws Exception {
    GatewayError error = streamFailure(transform(bytes -> {}, () -> {
      throw new IllegalStateException("unfinished event holding " + SECRET);
    }));

    assertThat(error.kind()).isEqualTo(ErrorKind.INTERNAL);
    assertThat(error.message()).doesNotContain(SECRET);
  }

  /** Sends a streamed call through a {@link StreamPipe} as the gateway would and returns how its stream failed. */
  private GatewayError streamFailure(StreamTransform transform) throws Exception {
    StreamReceiver gateway = StreamReceiver.open(vertx, 8, IDLE_TIMEOUT_MS);
    gateway.ready().await();
    CompletableFuture<Throwable> ended = new CompletableFuture<>();
    gateway.exceptionHandler(ended::complete);
    gateway.endHandler(v -> ended.complete(null));
    gateway.handler(bytes -> {});
    ProxyRequest fromGateway = ProxyRequest.builder().provider("anthropic").operation("chat.completions")
        .method("POST").path("/chat/completions").headers(MultiMap.caseInsensitiveMultiMap())
        .body(Buffer.buffer("{}")).proxyId("proxy").requestId("req-1").model("claude").timeoutMs(IDLE_TIMEOUT_MS)
        .stream(gateway.address(), gateway.window()).build();
    ProxyRequest toProvider = fromGateway.toBuilder().operation("messages").path("/v1/messages").stream(null, 0)
        .build();

    Object reply = new StreamPipe(vertx, new ProviderBus(vertx))
        .open(fromGateway, toProvider, head -> transform, whole -> whole)
        .toCompletionStage().toCompletableFuture().get(2, TimeUnit.SECONDS);
    assertThat(reply).isInstanceOf(StreamFrame.Head.class);
    gateway.onHead((StreamFrame.Head) reply);

    Throwable failure = ended.get(2, TimeUnit.SECONDS);
    assertThat(failure).isInstanceOf(StreamFailureException.class);
    return ((StreamFailureException) failure).error();
  }

  private static StreamTransform transform(Consumer<Buffer> onData, java.util.function.Supplier<Buffer> onEnd) {
    return new StreamTransform() {
      @Override
      public MultiMap headers(MultiMap providerHeaders) {
        return providerHeaders;
      }

      @Override
      public Buffer onData(Buffer bytes) {
        onData.accept(bytes);
        return bytes;
      }

      @Override
      public boolean ended() {
        return false;
      }

      @Override
      public Buffer onEnd() {
        return onEnd.get();
      }

      @Override
      public Buffer onFailure(GatewayError error) {
        return null;
      }

      @Override
      public Usage usage(Usage reported) {
        return reported;
      }
    };
  }
}
