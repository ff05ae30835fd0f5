package dev.portcullis.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.stream.bus.StreamFailureException;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;
import dev.portcullis.provider.usage.UsageFormat;
import dev.portcullis.provider.usage.UsageObserver;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A provider verticle answers every bus request, whatever one of its steps throws: a bug is a 500
 * at once, never a caller waiting for the bus timeout. The verticle under test is a real
 * {@link ProviderVerticle} whose steps throw where the request's operation says. Replies are
 * awaited with a send timeout far below the verticle's own upstream timeout, so a request that
 * goes unanswered fails the test with the bus's TIMEOUT rather than passing slowly.
 */
class EveryBusRequestIsAnsweredTest {

  private static final String SECRET = "sk-secret-that-must-not-reach-a-client";
  /** Well below the 30 s the verticle gives the upstream: only an unanswered request reaches it. */
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(2_000);

  /** Where the verticle under test throws; the request's operation names it. */
  enum Fault {
    PREPARE_THROWS, PREPARE_FAILS_WITH_A_BUG, PREPARE_THROWS_AN_ERROR, ANSWER_DIRECTLY_THROWS,
    ANSWER_DIRECTLY_FAILS_WITH_AN_ERROR, ANSWER_DIRECTLY_THROWS_UNSUPPORTED, USAGE_READER_THROWS,
    REWRITE_ANSWER_THROWS
  }

  private static Vertx vertx;
  private static RecordingUpstream upstream;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    upstream = RecordingUpstream.start(vertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("m", "hi", 1, 1)));
    upstream.on("POST", "/v1/stream", OpenAiWire.chatStream(OpenAiWire.chatTextStream("m", List.of("a", "b"), 1, 2)));
    vertx.deployVerticle(new FaultyProvider(upstream.baseUrl("/v1"))).await();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  private static ProxyRequest request(String operation, String path) {
    return ProxyRequest.builder().provider(FaultyProvider.NAME).operation(operation).method("POST").path(path)
        .headers(MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json")).body(Buffer.buffer("{}"))
        .requestId("req-" + operation).model("m").timeoutMs(30_000).build();
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void aThrowingStepIsAnsweredAtOnceWithA500ThatHoldsNoSecret(Fault fault) {
    Object reply = vertx.eventBus().request(Addresses.provider(FaultyProvider.NAME),
        request(fault.name(), "/chat/completions"), SHORT).await().body();

    assertThat(reply).isInstanceOfSatisfying(GatewayError.class, error -> {
      assertThat(error.kind()).isEqualTo(ErrorKind.INTERNAL);
      assertThat(error.message()).contains("req-" + fault.name()).doesNotContain(SECRET);
    });
  }

  @Test
  void theVerticleKeepsAnsweringAfterABug() {
    vertx.eventBus().request(Addresses.provider(FaultyProvider.NAME), request("PREPARE_THROWS", "/chat/completions"),
        SHORT).await();

    Object reply = vertx.eventBus().request(Addresses.provider(FaultyProvider.NAME), request("fine", "/chat/completions"),
        SHORT).await().body();

    assertThat(reply).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
  }

  @Test
  void aStreamUsageReaderThatThrowsEndsTheStreamWithA500() throws Exception {
    StreamReceiver receiver = StreamReceiver.open(vertx, 8, 2_000);
    receiver.ready().await();
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    receiver.exceptionHandler(failure::complete);
    receiver.endHandler(v -> failure.complete(null));
    receiver.handler(chunk -> {});

    Object head = vertx.eventBus().request(Addresses.provider(FaultyProvider.NAME),
        request("STREAM_OBSERVER_THROWS", "/stream").withStream(receiver.address(), receiver.window()), SHORT)
        .await().body();
    assertThat(head).isInstanceOf(StreamFrame.Head.class);
    receiver.onHead((StreamFrame.Head) head);

    assertThat(failure.get(2, TimeUnit.SECONDS)).isInstanceOfSatisfying(StreamFailureException.class, e -> {
      assertThat(e.error().kind()).isEqualTo(ErrorKind.INTERNAL);
      assertThat(e.error().message()).doesNotContain(SECRET);
    });
  }

  /** A provider whose steps throw on demand; otherwise a plain OpenAI-style passthrough to the test upstream. */
  static final class FaultyProvider extends ProviderVerticle {

    static final String NAME = "faulty";
    /** A provider of the test's own, known to no registry. */
    static final ProviderDescriptor DESCRIPTOR = ProviderDescriptor.builder(NAME, "Faulty", OpenAiErrorFormat.INSTANCE)
        .verticleFactory(FaultyProvider.class.getName()).build();
    private final String baseUrl;

    FaultyProvider(String baseUrl) {
      super(DESCRIPTOR, new ProviderSettings(30_000, 1_000), new SimpleMeterRegistry());
      this.baseUrl = baseUrl;
    }

    private static boolean is(ProxyRequest request, String fault) {
      return request.operation().equals(fault);
    }

    @Override
    protected Future<ProxyResponse> answerDirectly(ProxyRequest request) {
      if (is(request, "ANSWER_DIRECTLY_THROWS")) {
        throw new IllegalArgumentException("bad state holding " + SECRET);
      }
      if (is(request, "ANSWER_DIRECTLY_FAILS_WITH_AN_ERROR")) {
        return Future.failedFuture(new NoClassDefFoundError("missing class near " + SECRET));
      }
      if (is(request, "ANSWER_DIRECTLY_THROWS_UNSUPPORTED")) {
        throw new UnsupportedOperationException(SECRET);
      }
      return null;
    }

    @Override
    protected Future<UpstreamCall> prepare(ProxyRequest request) {
      if (is(request, "PREPARE_THROWS")) {
        throw new IllegalStateException("a bug with " + SECRET + " in its message");
      }
      if (is(request, "PREPARE_THROWS_AN_ERROR")) {
        throw new AssertionError("an assertion that names " + SECRET);
      }
      if (is(request, "PREPARE_FAILS_WITH_A_BUG")) {
        return Future.succeededFuture("token").map(token -> {
          throw new NullPointerException(SECRET);
        });
      }
      return Future.succeededFuture(new UpstreamCall(request.method(), baseUrl + request.path(), request.headers(),
          request.body()));
    }

    @Override
    protected UsageFormat usage() {
      return UsageFormat.of(this::usageOf, this::streamUsage);
    }

    private Usage usageOf(ProxyRequest request, Buffer body) {
      if (is(request, "USAGE_READER_THROWS")) {
        throw new ArrayIndexOutOfBoundsException(SECRET);
      }
      return Usage.UNKNOWN;
    }

    @Override
    protected Buffer rewriteAnswer(ProxyRequest request, Buffer body) {
      if (is(request, "REWRITE_ANSWER_THROWS")) {
        throw new ClassCastException(SECRET);
      }
      return body;
    }

    private UsageObserver streamUsage(ProxyRequest request) {
      if (!is(request, "STREAM_OBSERVER_THROWS")) {
        return UsageObserver.NONE;
      }
      return new UsageObserver() {
        @Override
        public void onData(Buffer chunk) {
          throw new IllegalStateException("usage reader bug near " + SECRET);
        }

        @Override
        public Usage usage() {
          return Usage.UNKNOWN;
        }
      };
    }
  }
}
