package dev.portcullis.common.stream.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class StreamProtocolTest {

  @BeforeEach
  void codecs(Vertx vertx) {
    BusCodecs.register(vertx);
  }

  @Test
  void producerStopsWhenCreditIsUsedAndResumesWhenTheReaderCatchesUp(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      StreamReceiver receiver = StreamReceiver.open(vertx, 4, 10_000);
      StreamSender sender = new StreamSender(vertx, receiver.address(), receiver.window(), 10_000);
      List<String> delivered = new ArrayList<>();
      receiver.handler(b -> delivered.add(b.toString())).pause();
      receiver.onHead(sender.head(200, MultiMap.caseInsensitiveMultiMap()));

      int written = 0;
      while (!sender.writeQueueFull()) {
        sender.write(Buffer.buffer("f" + written++));
      }
      int sentBeforeCredit = written;
      AtomicInteger drains = new AtomicInteger();
      sender.drainHandler(x -> {
        drains.incrementAndGet();
        ctx.verify(() -> {
          // The reader took two frames, so exactly two credits came back.
          assertThat(sentBeforeCredit).isEqualTo(4);
          assertThat(delivered).containsExactly("f0", "f1");
        });
        ctx.completeNow();
      });
      // Nothing was delivered while paused, so no credit has come back.
      vertx.setTimer(50, t -> {
        ctx.verify(() -> assertThat(delivered).isEmpty());
        ctx.verify(() -> assertThat(drains.get()).isZero());
        receiver.fetch(2);
      });
    });
  }

  @Test
  void framesArriveInOrderAndEndCarriesUsage(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      StreamReceiver receiver = StreamReceiver.open(vertx, 4, 10_000);
      StreamSender sender = new StreamSender(vertx, receiver.address(), receiver.window(), 10_000);
      StringBuilder got = new StringBuilder();
      receiver.handler(b -> got.append(b)).endHandler(x -> ctx.verify(() -> {
        assertThat(got.toString()).isEqualTo("0123456789");
        assertThat(receiver.usage()).isEqualTo(new Usage("m", 1, 2));
        ctx.completeNow();
      }));
      receiver.onHead(sender.head(200, MultiMap.caseInsensitiveMultiMap()));
      AtomicInteger next = new AtomicInteger();
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (!sender.writeQueueFull() && next.get() < 10) {
          sender.write(Buffer.buffer(String.valueOf(next.getAndIncrement())));
        }
        if (next.get() == 10) {
          sender.end(new Usage("m", 1, 2));
        } else {
          sender.drainHandler(x -> pump[0].run());
        }
      };
      pump[0].run();
    });
  }

  @Test
  void endSaysWhenTheProducerEndedTheAnswerWithItsOwnErrorEvent(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      StreamReceiver receiver = StreamReceiver.open(vertx, 4, 10_000);
      StreamSender sender = new StreamSender(vertx, receiver.address(), receiver.window(), 10_000);
      StringBuilder got = new StringBuilder();
      assertThat(receiver.endedInError()).isFalse();
      receiver.handler(b -> got.append(b)).endHandler(x -> ctx.verify(() -> {
        assertThat(got.toString()).isEqualTo("data: {\"error\":{}}\n\n");
        assertThat(receiver.endedInError()).isTrue();
        assertThat(receiver.usage()).isEqualTo(new Usage("m", 1, 2));
        ctx.completeNow();
      }));
      receiver.onHead(sender.head(200, MultiMap.caseInsensitiveMultiMap()));
      sender.write(Buffer.buffer("data: {\"error\":{}}\n\n"));
      sender.end(new Usage("m", 1, 2), true);
    });
  }

  @Test
  void cancelReachesTheProducer(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      StreamReceiver receiver = StreamReceiver.open(vertx, 8, 10_000);
      StreamSender sender = new StreamSender(vertx, receiver.address(), receiver.window(), 10_000);
      sender.cancelHandler(reason -> ctx.verify(() -> {
        assertThat(reason).isEqualTo("client disconnected");
        assertThat(sender.isClosed()).isTrue();
        ctx.completeNow();
      }));
      receiver.handler(b -> {});
      receiver.onHead(sender.head(200, MultiMap.caseInsensitiveMultiMap()));
      sender.write(Buffer.buffer("x"));
      receiver.cancel("client disconnected");
    });
  }

  @Test
  void silentProducerWithCreditFailsTheStreamWithATimeout(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      // The silence is counted from the receiver's opening: measure from before it.
      long start = System.nanoTime();
      StreamReceiver receiver = StreamReceiver.open(vertx, 8, 150);
      StreamSender sender = new StreamSender(vertx, receiver.address(), receiver.window(), 60_000);
      sender.cancelHandler(reason -> ctx.verify(() -> assertThat(reason).isEqualTo("idle timeout")));
      receiver.handler(b -> {}).exceptionHandler(err -> ctx.verify(() -> {
        assertThat(err).isInstanceOf(StreamFailureException.class);
        assertThat(((StreamFailureException) err).error().kind()).isEqualTo(ErrorKind.UPSTREAM_TIMEOUT);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(150);
        vertx.setTimer(50, t -> ctx.verify(() -> {
          assertThat(sender.isClosed()).as("the producer was told to stop").isTrue();
          ctx.completeNow();
        }));
      }));
      receiver.onHead(sender.head(200, MultiMap.caseInsensitiveMultiMap()));
    });
  }

  @Test
  void producerWithoutCreditGivesUpOnASilentRequester(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      // The requester is gone: nobody consumes, nobody grants credit.
      StreamSender sender = new StreamSender(vertx, "portcullis.stream.nobody", 2, 150);
      sender.cancelHandler(reason -> ctx.verify(() -> {
        assertThat(reason).contains("no credit");
        ctx.completeNow();
      }));
      sender.write(Buffer.buffer("a"));
      sender.write(Buffer.buffer("b"));
      assertThat(sender.writeQueueFull()).isTrue();
    });
  }

  @Test
  void failureFrameReachesTheExceptionHandler(Vertx vertx, VertxTestContext ctx) {
    vertx.runOnContext(v -> {
      StreamReceiver receiver = StreamReceiver.open(vertx, 4, 10_000);
      StreamSender sender = new StreamSender(vertx, receiver.address(), 4, 10_000);
      receiver.handler(b -> {}).exceptionHandler(err -> ctx.verify(() -> {
        assertThat(((StreamFailureException) err).error().message()).isEqualTo("upstream reset");
        ctx.completeNow();
      }));
      receiver.onHead(sender.head(200, MultiMap.caseInsensitiveMultiMap()));
      sender.write(Buffer.buffer("x"));
      sender.fail(dev.portcullis.common.error.GatewayError.upstreamUnreachable("upstream reset"));
    });
  }
}
