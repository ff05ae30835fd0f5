package dev.portcullis.common.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.AbstractVerticle;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link BusRequester} from a verticle's context, as the gateway and the model router use it: the
 * answers and failures of a plain request, the continuation on the caller's context and thread,
 * and no JVM monitor inflated per request (the JVM's own counter, read with {@code jcmd}).
 */
class BusRequesterTest {

  private static final String ECHO = "test.bus-requester.echo";
  private static final String SILENT = "test.bus-requester.silent";
  private static final String FAILING = "test.bus-requester.failing";

  private static Vertx vertx;
  /** The deployed verticle's context: a deployment's, as the gateway's is. */
  private static Context verticle;

  @BeforeAll
  static void deploy() throws Exception {
    vertx = Vertx.vertx();
    vertx.eventBus().<String>consumer(ECHO, message -> message.reply("echo:" + message.body()));
    vertx.eventBus().<String>consumer(SILENT, message -> { });
    vertx.eventBus().<String>consumer(FAILING, message -> message.fail(7, "refused"));
    CompletableFuture<Context> started = new CompletableFuture<>();
    vertx.deployVerticle(new AbstractVerticle() {
      @Override
      public void start() {
        started.complete(context);
      }
    }).await(10, TimeUnit.SECONDS);
    verticle = started.get(10, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  /** Runs {@code call} on the verticle's context and waits for what its future answers. */
  private static <T> T onVerticle(Function<BusRequester, Future<T>> call) throws Exception {
    BusRequester requester = new BusRequester(vertx);
    CompletableFuture<T> result = new CompletableFuture<>();
    verticle.runOnContext(v -> call.apply(requester).onComplete((value, failure) -> {
      if (failure != null) {
        result.completeExceptionally(failure);
      } else {
        result.complete(value);
      }
    }));
    try {
      return result.get(10, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    }
  }

  @Test
  void theAnswerComesOnTheCallersContextAndThread() throws Exception {
    List<Object> seen = onVerticle(requester -> {
      Context caller = Vertx.currentContext();
      Thread thread = Thread.currentThread();
      return requester.<String>request(ECHO, "ping", new DeliveryOptions())
          .map(reply -> List.of(reply.body(), Vertx.currentContext() == caller, Thread.currentThread() == thread));
    });
    assertThat(seen).containsExactly("echo:ping", true, true);
  }

  @Test
  void failuresAreThoseOfAPlainRequest() {
    assertThat(failure(SILENT, "x", new DeliveryOptions().setSendTimeout(100)).failureType())
        .isEqualTo(ReplyFailure.TIMEOUT);
    assertThat(failure("test.bus-requester.nobody", "x", new DeliveryOptions()).failureType())
        .isEqualTo(ReplyFailure.NO_HANDLERS);
    ReplyException refused = failure(FAILING, "x", new DeliveryOptions());
    assertThat(refused.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(refused.failureCode()).isEqualTo(7);
    assertThat(refused.getMessage()).isEqualTo("refused");
  }

  private static ReplyException failure(String address, Object body, DeliveryOptions options) {
    try {
      onVerticle(requester -> requester.request(address, body, options));
    } catch (ReplyException e) {
      return e;
    } catch (Exception e) {
      throw new AssertionError("expected a ReplyException", e);
    }
    throw new AssertionError("the request to " + address + " succeeded");
  }

  @Test
  void aBodyTheBusCannotCarryFailsTheFutureInsteadOfHangingIt() {
    // No codec for this type: Vert.x throws while sending, on the requester's own context.
    Exception failure = null;
    try {
      onVerticle(requester -> requester.request(ECHO, new Object(), new DeliveryOptions()));
    } catch (Exception e) {
      failure = e;
    }
    assertThat(failure).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("codec");
  }

  @Test
  void offAnEventLoopItIsAPlainRequest() throws Exception {
    Message<String> reply = new BusRequester(vertx).<String>request(ECHO, "from a test thread", new DeliveryOptions())
        .await(10, TimeUnit.SECONDS);
    assertThat(reply.body()).isEqualTo("echo:from a test thread");
  }

  @Test
  void noMonitorIsInflatedPerRequest() throws Exception {
    int requests = 2_000;
    long before = inflations();
    onVerticle(requester -> Future.all(requests(requests, () -> requester.request(ECHO, "m", new DeliveryOptions()))));
    long viaRequester = inflations() - before;

    // The control: the same requests sent plainly from the same context inflate one monitor each.
    before = inflations();
    onVerticle(requester -> Future.all(requests(requests,
        () -> vertx.eventBus().request(ECHO, "m", new DeliveryOptions()))));
    long plain = inflations() - before;

    assertThat(plain).as("monitors inflated by plain requests").isGreaterThanOrEqualTo(requests);
    assertThat(viaRequester).as("monitors inflated by the requester's").isLessThan(requests / 20);
  }

  private static List<Future<?>> requests(int count, java.util.function.Supplier<Future<?>> request) {
    List<Future<?>> sent = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      sent.add(request.get());
    }
    return sent;
  }

  /** The JVM's count of monitors inflated so far ({@code sun.rt._sync_Inflations}). */
  private static long inflations() throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    Process process = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()),
        "PerfCounter.print").redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    for (String line : out.split("\n")) {
      if (line.startsWith("sun.rt._sync_Inflations=")) {
        return Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
      }
    }
    throw new AssertionError("no inflation counter in:\n" + out);
  }
}
