package dev.portcullis.provider;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.Failures;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.http.ForwardedHeaders;
import dev.portcullis.common.metrics.LatencyBuckets;
import dev.portcullis.common.provider.AccountSelectors;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.settings.UpstreamTimeouts;
import dev.portcullis.common.settings.UpstreamTimeouts.Stage;
import dev.portcullis.common.stream.bus.GuardedHandler;
import dev.portcullis.common.stream.bus.StreamSender;
import dev.portcullis.provider.usage.UsageFormat;
import dev.portcullis.provider.usage.UsageObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.impl.NoStackTraceTimeoutException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base every provider verticle is built on. It consumes {@code portcullis.provider.<name>},
 * asks the concrete provider to turn each {@link ProxyRequest} into an {@link UpstreamCall} (URL,
 * credential, any rewriting the provider needs), makes the call, and answers with a
 * {@link ProxyResponse} or, for streams, over the stream protocol: HEAD as the reply, then the
 * upstream's bytes as they arrive, paced by the requester's credit, then END with usage.
 *
 * <p>What the base knows about the provider comes from its {@link ProviderDescriptor}: the name
 * (route, bus address, metrics) and the account selectors dropped from calls that carry a
 * credential of Portcullis' own. A provider implements two steps:
 * <ul>
 *   <li>{@link #prepare}: the upstream call for a request;
 *   <li>{@link #usage}: how its answers report the tokens a call used;
 * </ul>
 * and may override three more, each with a default that changes nothing:
 * <ul>
 *   <li>{@link #answerDirectly}: an answer given without the upstream call {@link #prepare} describes;
 *   <li>{@link #replaceUpstreamError}: an error of ours instead of the upstream's non-2xx answer;
 *   <li>{@link #rewriteAnswer}: a 2xx answer reshaped for the provider's clients.
 * </ul>
 * Every failure is answered through {@link Failures}: a {@link GatewayException} as it is, a bug as
 * a 500 logged with its stack trace, an I/O failure of the upstream call as the 502 or 504 it is.
 */
public abstract class ProviderVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderVerticle.class);

  private final ProviderDescriptor descriptor;
  private final ProviderSettings options;
  private final MeterRegistry registry;
  private final Map<String, Timer> upstreamTimers = new HashMap<>();
  private UpstreamClient client;
  private MessageConsumer<ProxyRequest> consumer;

  protected ProviderVerticle(ProviderDescriptor descriptor, ProviderSettings options, MeterRegistry registry) {
    this.descriptor = descriptor;
    this.options = options;
    this.registry = registry;
  }

  /** The provider's name, as in its routes, its bus address and its metrics: the descriptor's. */
  public final String name() {
    return descriptor.name();
  }

  /** Everything Portcullis knows about the provider. */
  public final ProviderDescriptor descriptor() {
    return descriptor;
  }

  /** The upstream call for a request; may complete later (token fetches), never blocks. */
  protected abstract Future<UpstreamCall> prepare(ProxyRequest request);

  /** How the provider's answers report usage, whole and streamed. */
  protected abstract UsageFormat usage();

  /**
   * An answer the provider gives instead of the one upstream call {@link #prepare} describes: a
   * configured model list, a list gathered from calls of its own (Bedrock's paged inference
   * profiles, through {@link #upstreamClient}), or a refusal known before any call. {@code null}
   * (the default) makes the call. Runs on the event loop: it must not block. A 401 or 403 it
   * answers about a credential of Portcullis' own is replaced as an upstream's would be.
   */
  protected Future<ProxyResponse> answerDirectly(ProxyRequest request) {
    return null;
  }

  /**
   * An error to answer instead of the upstream's non-2xx answer (for example a model list the
   * upstream refused), or {@code null} to pass the upstream's answer through as it came.
   */
  protected GatewayError replaceUpstreamError(ProxyRequest request, UpstreamCall call, int status) {
    return null;
  }

  /**
   * The body to answer instead of the upstream's 2xx answer, which was sent whole (not streamed):
   * for a provider that must reshape an answer into the format its clients expect (a model list),
   * or the body itself (the default) to relay it as it came. Runs on the event loop: it must not
   * block. A {@link GatewayException} it throws is answered as that error.
   */
  protected Buffer rewriteAnswer(ProxyRequest request, Buffer body) {
    return body;
  }

  /** Whether the request is this operation. */
  protected static boolean is(ProxyRequest request, Operation operation) {
    return Operation.named(request.operation()) == operation;
  }

  /** The upstream client, for providers whose answer takes calls of their own. */
  protected UpstreamClient upstreamClient() {
    return client;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    client = new UpstreamClient(vertx, options.connectTimeoutMs());
    consumer = vertx.eventBus().consumer(Addresses.provider(name()), this::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return Future.all(consumer.unregister(), client.close());
  }

  /**
   * Every request gets exactly one reply, whatever a step throws: a bug anywhere in the provider's
   * steps (prepare, answerDirectly, usage readers, rewriteAnswer) is answered at once
   * with a 500 and logged once with its stack trace, so a caller never waits for the bus timeout.
   */
  private void handle(Message<ProxyRequest> message) {
    Exchange exchange = new Exchange(message);
    exchange.run(() -> {
      ProxyRequest request = withOnlyPortcullisAccount(message.body());
      exchange.request = request;
      Future<ProxyResponse> direct = answerDirectly(request);
      if (direct != null) {
        direct.onComplete(exchange.guard(ar -> exchange.reply(ar.succeeded()
            ? refusedCredentialOr(request, ar.result()) : failureOf(ar.cause(), null, request))));
        return;
      }
      prepare(request).onComplete(exchange.guard(ar -> {
        if (ar.failed()) {
          exchange.reply(failureOf(ar.cause(), null, request));
        } else {
          execute(exchange, request, ar.result());
        }
      }));
    });
  }

  /**
   * The request as the provider may use it: when it carries a credential of Portcullis' own (a
   * stored key or the server-side identity), without the client's account selectors (headers and
   * query parameters that would pick another organisation, project or billing target for our key).
   * Passthrough requests are returned as they are. Public for the providers' unit tests.
   */
  public ProxyRequest withOnlyPortcullisAccount(ProxyRequest request) {
    if (request.credential() == null) {
      return request;
    }
    AccountSelectors selectors = descriptor.accountSelectors();
    return request.toBuilder()
        .query(selectors.withoutQuerySelectors(request.query()))
        .headers(selectors.withoutRequestSelectors(request.headers()))
        .build();
  }

  private void execute(Exchange exchange, ProxyRequest request, UpstreamCall call) {
    long started = System.nanoTime();
    // This provider's limits, none longer than the caller will wait.
    UpstreamTimeouts timeouts = options.timeouts().of(name()).cappedAt(request.timeoutMs());
    client.open(call, timeouts).onComplete(exchange.guard(opened -> {
      if (opened.failed()) {
        exchange.reply(failureOf(opened.cause(), call, request, Stage.CONNECT, timeouts));
        return;
      }
      HttpClientRequest upstream = opened.result();
      // The caller waits its timeout from the start: a slow connection leaves the first byte less.
      long spentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      if (request.timeoutMs() > 0 && spentMs > 1_000 && request.timeoutMs() - spentMs < timeouts.firstByteMs()) {
        upstream.idleTimeout(Math.max(1, request.timeoutMs() - spentMs));
      }
      upstream.send(call.body()).onComplete(exchange.guard(answered -> {
        if (answered.failed()) {
          exchange.reply(failureOf(answered.cause(), call, request, Stage.FIRST_BYTE, timeouts));
          return;
        }
        HttpClientResponse response = answered.result();
        try {
          upstreamTimer(request, response.statusCode()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
          if (refusesPortcullisCredential(request, response.statusCode())) {
            // The upstream's words may quote the key or name its organisation: read them, never relay them.
            response.body().onComplete(exchange.guard(ignored ->
                exchange.reply(refusedCredential(request, response.statusCode()))));
          } else if (request.stream() && response.statusCode() / 100 == 2) {
            // Only a 2xx answer is relayed as a stream; an error answer is read and sent whole.
            // A stream's first byte is its body's: the first token may come long after the headers.
            relayStream(exchange, request, upstream, response, call, timeouts);
          } else {
            // The status line was the first byte: from here on only silence mid-answer is limited.
            replyWhole(exchange, request, upstream, response, call, timeouts);
          }
        } catch (RuntimeException | Error e) {
          // The answer will not be read: free the connection, then let the exchange answer the failure.
          upstream.reset();
          throw e;
        }
      }));
    }));
  }

  private void replyWhole(Exchange exchange, ProxyRequest request, HttpClientRequest upstream,
      HttpClientResponse response, UpstreamCall call, UpstreamTimeouts timeouts) {
    WholeAnswer.read(response, vertx, timeouts.idleMs(), upstream).onComplete(exchange.guard(read -> {
      if (read.failed()) {
        exchange.reply(failureOf(read.cause(), call, request, Stage.IDLE, timeouts));
        return;
      }
      Buffer body = read.result();
      if (response.statusCode() / 100 != 2) {
        GatewayError replaced = replaceUpstreamError(request, call, response.statusCode());
        if (replaced != null) {
          exchange.reply(replaced);
          return;
        }
      }
      Usage usage = Usage.UNKNOWN;
      if (response.statusCode() / 100 == 2) {
        usage = usage().read(request, response.headers(), body).withModelIfAbsent(request.model());
        body = rewriteAnswer(request, body);
      }
      exchange.reply(new ProxyResponse(response.statusCode(), downstreamHeaders(request, response), body, usage));
    }));
  }

  private void relayStream(Exchange exchange, ProxyRequest request, HttpClientRequest upstream,
      HttpClientResponse response, UpstreamCall call, UpstreamTimeouts timeouts) {
    response.pause();
    StreamSender sender = new StreamSender(vertx, request.streamAddress(), request.initialCredit(),
        request.timeoutMs());
    UsageObserver observer = usage().observe(request);
    StreamGuard stream = new StreamGuard(request, sender, upstream);
    sender.usageSoFar(() -> observer.usage().withModelIfAbsent(request.model()));
    sender.cancelHandler(stream.guard(reason -> {
      LOG.debug("{} cancelled: {}", request, reason);
      upstream.reset();
    }));
    sender.ready().onComplete(exchange.guard(ready -> {
      if (ready.failed()) {
        upstream.reset();
        exchange.reply(GatewayError.internal("Could not open the stream back to the gateway."));
        return;
      }
      exchange.reply(sender.head(response.statusCode(), downstreamHeaders(request, response)));
      // From here on the request is answered: a failure ends the stream with an error frame instead.
      stream.guard(v -> relayBody(request, upstream, response, sender, observer, stream, call, timeouts)).handle(null);
    }));
  }

  private void relayBody(ProxyRequest request, HttpClientRequest upstream, HttpClientResponse response,
      StreamSender sender, UsageObserver observer, StreamGuard stream, UpstreamCall call, UpstreamTimeouts timeouts) {
    boolean[] answering = new boolean[1];
    // Until the body's first byte the first-byte limit runs on (the headers may come long before
    // the first token); after it, only silence between chunks is limited.
    // A cancelled stream's watch fires once more at most, and finds the sender closed.
    Handler<Void> onSilence = stream.guard(v -> {
      // The error first: resetting the upstream call makes its own (a reset) at once.
      if (!sender.isClosed()) {
        sender.fail(failureOf(new NoStackTraceTimeoutException("silent upstream"), call, request,
            answering[0] ? Stage.IDLE : Stage.FIRST_BYTE, timeouts));
      }
      upstream.reset();
    });
    SilenceWatch silence = SilenceWatch.start(vertx, timeouts.firstByteMs(), () -> onSilence.handle(null));
    response.handler(stream.guard(chunk -> {
      answering[0] = true;
      silence.data(timeouts.idleMs());
      observer.onData(chunk);
      sender.write(chunk);
      if (sender.writeQueueFull()) {
        response.pause();
        silence.paused(true);
        sender.drainHandler(stream.guard(v -> {
          silence.paused(false);
          response.resume();
        }));
      }
    }));
    response.endHandler(stream.guard(v -> {
      silence.stop();
      Usage usage = observer.usage().withModelIfAbsent(request.model());
      if (!observer.sawLastEvent()) {
        // Cut short: relayed as it ended, the client could take a part of an answer for all of it.
        LOG.warn("{}: the {} stream ended before its last event", request.requestId(), name());
        sender.fail(GatewayError.upstreamUnreachable("The upstream " + name()
            + " ended its stream before its last event; the answer is incomplete."));
        return;
      }
      sender.end(usage);
    }));
    response.exceptionHandler(stream.guard(err -> {
      silence.stop();
      if (!sender.isClosed()) {
        sender.fail(failureOf(err, call, request, answering[0] ? Stage.IDLE : Stage.FIRST_BYTE, timeouts));
      }
    }));
    response.resume();
  }

  /** The upstream's response headers for the client, without those naming the account of a Portcullis credential. */
  private MultiMap downstreamHeaders(ProxyRequest request, HttpClientResponse response) {
    MultiMap headers = ForwardedHeaders.downstream(response.headers());
    return request.credential() == null ? headers : descriptor.accountSelectors().withoutResponseSelectors(headers);
  }

  /**
   * Whether the upstream refused a credential Portcullis supplied (a stored key or the server-side
   * identity). Such an answer is about our key, not the caller's, and may quote it: it is replaced
   * by {@link CredentialRefusal#upstream}. A passthrough caller's 401/403 is about its own key and
   * passes through as it came.
   */
  private static boolean refusesPortcullisCredential(ProxyRequest request, int status) {
    return request.credential() != null && (status == 401 || status == 403);
  }

  /** An answer composed by {@link #answerDirectly}, with a refusal of our credential replaced as in {@link #execute}. */
  private Object refusedCredentialOr(ProxyRequest request, ProxyResponse response) {
    return refusesPortcullisCredential(request, response.status())
        ? refusedCredential(request, response.status()) : response;
  }

  /** Tells the operators, once per call, that a credential of ours was refused; the client gets the same without details. */
  private GatewayError refusedCredential(ProxyRequest request, int status) {
    LOG.warn("{}: the {} upstream refused Portcullis' credential ({}) with HTTP {}: check the provider key",
        request.requestId(), name(), request.credential().serverSide() ? "server-side identity" : "stored key", status);
    return CredentialRefusal.upstream(name(), status);
  }

  /**
   * The error for a failed step ({@link Failures}): a {@link GatewayException} is answered as it is,
   * a bug of ours as a 500 logged with its stack trace, an I/O failure as the upstream failure it is,
   * naming the upstream's host ({@code call} may be {@code null} when no call was made yet).
   * Package-private for its unit test.
   */
  GatewayError failureOf(Throwable cause, UpstreamCall call, ProxyRequest request) {
    if (cause instanceof GatewayException gatewayException) {
      return gatewayException.error();
    }
    if (Failures.isBug(cause)) {
      return internalError(request, cause);
    }
    String where = call == null ? name() : name() + " at " + call.host();
    if (Failures.classifyUpstream(cause) == Failures.UpstreamFailure.BROKEN) {
      LOG.warn("upstream call to {} failed: {}", where, cause.toString());
    }
    return Failures.ofUpstream(cause, where, options.timeouts().describe(name(), Stage.IDLE,
        options.timeouts().of(name()).idleMs()));
  }

  /**
   * The error for a step of an upstream call that failed at {@code stage}: a timeout names the
   * stage, its limit and the setting that set it (each its own 504), anything else is as
   * {@link #failureOf(Throwable, UpstreamCall, ProxyRequest)} says.
   */
  GatewayError failureOf(Throwable cause, UpstreamCall call, ProxyRequest request, Stage stage,
      UpstreamTimeouts timeouts) {
    GatewayError error = stagedFailureOf(cause, call, request, stage, timeouts);
    // The caller may try the call again elsewhere only when the upstream cannot have acted on it:
    // it was never reached, or its connection broke before a byte of an answer (not even a
    // stream's first event). A first-byte timeout is not such proof: the model may be at work,
    // or its answer may be waiting behind a busy event loop. Our own refusals and bugs stay as they are.
    boolean notReached = stage == Stage.CONNECT
        || stage == Stage.FIRST_BYTE && error.kind() == ErrorKind.UPSTREAM_UNREACHABLE;
    boolean upstreamFailed = error.kind() == ErrorKind.UPSTREAM_UNREACHABLE || error.kind() == ErrorKind.UPSTREAM_TIMEOUT;
    return notReached && upstreamFailed && !(cause instanceof GatewayException) ? error.asRetrySafe() : error;
  }

  private GatewayError stagedFailureOf(Throwable cause, UpstreamCall call, ProxyRequest request, Stage stage,
      UpstreamTimeouts timeouts) {
    boolean connectTimeout = cause instanceof io.netty.channel.ConnectTimeoutException;
    if (!connectTimeout && (cause instanceof GatewayException
        || Failures.classifyUpstream(cause) != Failures.UpstreamFailure.TIMEOUT)) {
      return failureOf(cause, call, request);
    }
    Stage timedOut = connectTimeout ? Stage.CONNECT : stage;
    String where = call == null ? name() : name() + " at " + call.host();
    String limit = options.timeouts().describe(name(), timedOut, timeouts.of(timedOut));
    LOG.debug("upstream call to {} timed out at stage {}", where, timedOut);
    return GatewayError.upstreamTimeout(switch (timedOut) {
      case CONNECT -> "The upstream " + where + " did not accept a connection within " + limit + ".";
      case FIRST_BYTE -> "The upstream " + where + " did not start answering within " + limit + ".";
      case IDLE -> "The upstream " + where + " stopped sending in the middle of its answer for " + limit + ".";
    });
  }

  /** Logs a bug once, with its stack trace, and the 500 to answer; the message holds nothing from the request. */
  private GatewayError internalError(ProxyRequest request, Throwable cause) {
    LOG.error("{} provider failed on {}", name(), request == null ? "a request" : request, cause);
    return GatewayError.internal("The " + name() + " provider failed on this call"
        + (request == null || request.requestId() == null ? "" : " (request " + request.requestId() + ")")
        + "; the Portcullis log has the details.");
  }

  /** One bus request: replied to exactly once, however its steps end. Lives on the verticle's event loop. */
  private final class Exchange {

    private final Message<ProxyRequest> message;
    private ProxyRequest request;
    private boolean replied;

    Exchange(Message<ProxyRequest> message) {
      this.message = message;
    }

    void reply(Object answer) {
      if (!replied) {
        replied = true;
        message.reply(answer);
      }
    }

    /** Runs a step; anything it throws is the reply. */
    void run(Runnable step) {
      try {
        step.run();
      } catch (GatewayException e) {
        reply(e.error());
      } catch (VirtualMachineError e) {
        throw e;
      } catch (Throwable e) {
        if (replied) {
          LOG.error("{} provider failed on {} after answering it", name(), request, e);
        } else {
          reply(internalError(request, e));
        }
      }
    }

    <T> Handler<T> guard(Handler<T> handler) {
      return value -> run(() -> handler.handle(value));
    }
  }

  /** The handlers of a relayed stream: a failure in one ends the stream with an error and drops the upstream call. */
  private final class StreamGuard {

    private final ProxyRequest request;
    private final StreamSender sender;
    private final HttpClientRequest upstream;

    StreamGuard(ProxyRequest request, StreamSender sender, HttpClientRequest upstream) {
      this.request = request;
      this.sender = sender;
      this.upstream = upstream;
    }

    <T> Handler<T> guard(Handler<T> handler) {
      return GuardedHandler.of(handler, e -> {
        GatewayError error = e instanceof GatewayException gatewayException ? gatewayException.error()
            : internalError(request, e);
        // The error frame first: resetting the upstream call reports a reset of its own.
        if (!sender.isClosed()) {
          sender.fail(error);
        }
        upstream.reset();
      });
    }
  }

  /** Looked up once per label set; only this instance's event loop touches the map. */
  private Timer upstreamTimer(ProxyRequest request, int status) {
    return upstreamTimers.computeIfAbsent(request.operation() + '\0' + status,
        key -> Timer.builder("portcullis.upstream.duration")
            .description("Time from sending the upstream request to receiving its response head")
            .tag("provider", name())
            .tag("operation", request.operation())
            .tag("status", Integer.toString(status))
            .serviceLevelObjectives(LatencyBuckets.bounds())
            .register(registry));
  }
}
