package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.Failures;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.stream.bus.StreamFailureException;
import dev.portcullis.common.stream.bus.StreamFrame;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A call goes over the bus to a provider or the model router; a failed delivery becomes the client's error. */
class CallSenderTest {

  private static final long UPSTREAM_TIMEOUT_MS = 100;
  private final Vertx vertx = Vertx.vertx();
  private final CallSender sender = new CallSender(vertx, UPSTREAM_TIMEOUT_MS, 8);
  private final AtomicInteger availabilityAsked = new AtomicInteger();
  private final ProviderAvailability availability = provider -> {
    availabilityAsked.incrementAndGet();
    return "discovery knows no " + provider + " instance";
  };

  CallSenderTest() {
    BusCodecs.register(vertx);
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void noProviderVerticleIs503SayingWhy() {
    GatewayError error = failure(() -> sender.send(BusDestination.provider("openai", availability), request(), false));

    assertThat(error.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
    assertThat(error.message()).isEqualTo("The openai provider is not running in this deployment: no provider "
        + "verticle answers portcullis.provider.openai (discovery knows no openai instance).");
  }

  @Test
  void noModelRouterIs503NamingTheRole() {
    GatewayError error = failure(() -> sender.send(BusDestination.modelRouter(), request(), true));

    assertThat(error.status()).isEqualTo(503);
    assertThat(error.message()).isEqualTo("The model router is not running in this deployment: nothing answers "
        + "portcullis.router.model (add the router role to PORTCULLIS_ROLES).");
  }

  @Test
  void aProviderThatDoesNotAnswerIs504AfterTheUpstreamTimeoutAndOneGrace() {
    vertx.eventBus().consumer(Addresses.provider("openai"), message -> { });

    GatewayError error = failure(() -> sender.send(BusDestination.provider("openai", availability), request(), false));

    assertThat(error.kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
    assertThat(error.message()).isEqualTo("The openai provider did not answer within "
        + (UPSTREAM_TIMEOUT_MS + Failures.BUS_GRACE_MS) + " ms.");
  }

  @Test
  void theModelRouterIsTwoHopsFromTheUpstream() {
    BusDestination router = BusDestination.modelRouter();

    assertThat(router.address()).isEqualTo(Addresses.ROUTER_MODEL);
    assertThat(router.hops()).isEqualTo(2);
    assertThat(BusDestination.provider("openai", availability).hops()).isEqualTo(1);
    assertThat(Failures.busTimeoutMs(UPSTREAM_TIMEOUT_MS, router.hops()))
        .isEqualTo(UPSTREAM_TIMEOUT_MS + 2 * Failures.BUS_GRACE_MS);
  }

  @Test
  void aProviderThatFailsTheMessageIs500() {
    vertx.eventBus().consumer(Addresses.provider("groq"), message -> message.fail(1, "boom"));

    GatewayError error = failure(() -> sender.send(BusDestination.provider("groq", availability), request(), false));

    assertThat(error.kind()).isEqualTo(ErrorKind.INTERNAL);
    assertThat(error.message()).isEqualTo("The groq provider failed: boom");
  }

  @Test
  void aWholeAnswerComesBackAsItWasSentAndAvailabilityIsNotAsked() {
    ProxyResponse answer = new ProxyResponse(200, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer("{}"), null);
    vertx.eventBus().consumer(Addresses.provider("openai"), message -> message.reply(answer));

    BusReply reply = onContext(() -> sender.send(BusDestination.provider("openai", availability), request(), false))
        .await();

    assertThat(reply).isInstanceOf(BusReply.Whole.class);
    assertThat(((BusReply.Whole) reply).body()).isInstanceOf(ProxyResponse.class);
    assertThat(availabilityAsked).hasValue(0);
  }

  @Test
  void aStreamedCallNamesItsReceiverAndComesBackStreaming() {
    AtomicReference<ProxyRequest> received = new AtomicReference<>();
    vertx.eventBus().<ProxyRequest>consumer(Addresses.provider("openai"), message -> {
      received.set(message.body());
      message.reply(new StreamFrame.Head(200, MultiMap.caseInsensitiveMultiMap(), "portcullis.stream.control"));
    });

    BusReply reply = onContext(() -> sender.send(BusDestination.provider("openai", availability), request(), true))
        .await();

    assertThat(reply).isInstanceOf(BusReply.Streamed.class);
    BusReply.Streamed streamed = (BusReply.Streamed) reply;
    assertThat(received.get().streamAddress()).isEqualTo(streamed.receiver().address())
        .startsWith(Addresses.STREAM_PREFIX);
    assertThat(received.get().initialCredit()).isEqualTo(8);
    assertThat(streamed.head().status()).isEqualTo(200);
    streamed.receiver().close();
  }

  @Test
  void aStreamMayStaySilentForItsOwnRequestsTimeoutNotTheSendersDefault() {
    // The assembler puts the provider's longer silence in the request: 150 ms here, not the 100 ms default.
    vertx.eventBus().consumer(Addresses.provider("openai"),
        message -> message.reply(new StreamFrame.Head(200, MultiMap.caseInsensitiveMultiMap(), "portcullis.stream.x")));
    ProxyRequest request = request().toBuilder().timeoutMs(150).build();

    Promise<Throwable> failed = Promise.promise();
    onContext(() -> sender.send(BusDestination.provider("openai", availability), request, true).map(reply -> {
      ((BusReply.Streamed) reply).receiver().exceptionHandler(failed::tryComplete).handler(chunk -> { });
      return reply;
    })).await();

    Throwable cause = failed.future().await();
    assertThat(((StreamFailureException) cause).error().message())
        .isEqualTo("The upstream stream sent nothing for 150 ms.");
  }

  @Test
  void aStreamedCallThatFailsBeforeItsHeadIsAWholeError() {
    vertx.eventBus().consumer(Addresses.provider("openai"),
        message -> message.reply(GatewayError.invalidRequest("bad", null)));

    BusReply reply = onContext(() -> sender.send(BusDestination.provider("openai", availability), request(), true))
        .await();

    assertThat(((BusReply.Whole) reply).body()).isEqualTo(GatewayError.invalidRequest("bad", null));
  }

  private static ProxyRequest request() {
    return ProxyRequest.builder().provider("openai").operation("chat.completions").method("POST")
        .path("/chat/completions").headers(MultiMap.caseInsensitiveMultiMap()).body(Buffer.buffer("{}"))
        .requestId("req_test").timeoutMs(UPSTREAM_TIMEOUT_MS).build();
  }

  /** Runs {@code step} on a Vert.x context, as the gateway does (a stream receiver belongs to one). */
  private <T> Future<T> onContext(Supplier<Future<T>> step) {
    Promise<T> promise = Promise.promise();
    vertx.getOrCreateContext().runOnContext(v -> step.get().onComplete(promise));
    return promise.future();
  }

  private GatewayError failure(Supplier<Future<BusReply>> step) {
    Throwable cause = onContext(step).transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(cause).isInstanceOf(GatewayException.class);
    return ((GatewayException) cause).error();
  }
}
