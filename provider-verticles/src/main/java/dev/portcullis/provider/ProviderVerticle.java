package dev.portcullis.provider;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.http.ForwardedHeaders;
import dev.portcullis.common.stream.StreamSender;
import dev.portcullis.provider.usage.UsageObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The base every provider verticle is built on. It consumes {@code portcullis.provider.<name>},
 * asks the concrete provider to turn each {@link ProxyRequest} into an {@link UpstreamCall} (URL,
 * credential, any rewriting the provider needs), makes the call, and answers with a
 * {@link ProxyResponse} or, for streams, over the stream protocol: HEAD as the reply, then the
 * upstream's bytes as they arrive, paced by the requester's credit, then END with usage.
 *
 * <p>A provider declares only what differs: {@link #prepare} and how usage is read.
 */
public abstract class ProviderVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderVerticle.class);

  private final ProviderOptions options;
  private final MeterRegistry registry;
  private final Map<String, Timer> upstreamTimers = new HashMap<>();
  private UpstreamClient client;
  private MessageConsumer<ProxyRequest> consumer;

  protected ProviderVerticle(ProviderOptions options, MeterRegistry registry) {
    this.options = options;
    this.registry = registry;
  }

  /** The provider's name, as in its routes and its bus address. */
  public abstract String name();

  /** The upstream call for a request; may complete later (token fetches), never blocks. */
  protected abstract Future<UpstreamCall> prepare(ProxyRequest request);

  /** Usage of a complete answer. */
  protected abstract Usage usageOf(ProxyRequest request, Buffer body);

  /** A fresh observer for the usage of a streamed answer. */
  protected abstract UsageObserver streamUsage(ProxyRequest request);

  /**
   * An answer given without calling the upstream (for example a configured model list), or
   * {@code null} to call it. Runs on the event loop: it must not block.
   */
  protected ProxyResponse localAnswer(ProxyRequest request) {
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

  /** Whether a streamed answer with this head is relayed as a stream (otherwise it is sent whole). */
  protected boolean isStream(HttpClientResponse response) {
    return response.statusCode() / 100 == 2;
  }

  protected ProviderOptions options() {
    return options;
  }

  /**
   * An answer the provider composes itself instead of the one upstream call {@link #prepare}
   * describes (Bedrock's model list, gathered from paged control-plane calls), or {@code null}
   * (the default) to make that call.
   */
  protected Future<ProxyResponse> answerDirectly(ProxyRequest request) {
    return null;
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

  private void handle(Message<ProxyRequest> message) {
    ProxyRequest request = message.body();
    Future<ProxyResponse> direct;
    try {
      direct = answerDirectly(request);
    } catch (GatewayException e) {
      direct = Future.failedFuture(e);
    }
    if (direct != null) {
      direct.onComplete(ar -> message.reply(ar.succeeded() ? ar.result() : errorFor(ar.cause(), null)));
      return;
    }
    Future<UpstreamCall> prepared;
    try {
      ProxyResponse local = localAnswer(request);
      if (local != null) {
        message.reply(local);
        return;
      }
      prepared = prepare(request);
    } catch (GatewayException e) {
      prepared = Future.failedFuture(e);
    }
    prepared.onComplete(ar -> {
      if (ar.failed()) {
        message.reply(errorFor(ar.cause(), null));
      } else {
        execute(message, request, ar.result());
      }
    });
  }

  private void execute(Message<ProxyRequest> message, ProxyRequest request, UpstreamCall call) {
    long started = System.nanoTime();
    client.open(call, request.timeoutMs()).onComplete(opened -> {
      if (opened.failed()) {
        message.reply(errorFor(opened.cause(), call));
        return;
      }
      HttpClientRequest upstream = opened.result();
      upstream.send(call.body()).onComplete(answered -> {
        if (answered.failed()) {
          message.reply(errorFor(answered.cause(), call));
          return;
        }
        HttpClientResponse response = answered.result();
        upstreamTimer(request, response.statusCode()).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
        if (request.stream() && isStream(response)) {
          relayStream(message, request, upstream, response, call);
        } else {
          replyWhole(message, request, response, call);
        }
      });
    });
  }

  private void replyWhole(Message<ProxyRequest> message, ProxyRequest request, HttpClientResponse response,
      UpstreamCall call) {
    response.body().onComplete(read -> {
      if (read.failed()) {
        message.reply(errorFor(read.cause(), call));
        return;
      }
      Buffer body = read.result();
      if (response.statusCode() / 100 != 2) {
        GatewayError replaced = replaceUpstreamError(request, call, response.statusCode());
        if (replaced != null) {
          message.reply(replaced);
          return;
        }
      }
      Usage usage = Usage.UNKNOWN;
      if (response.statusCode() / 100 == 2) {
        usage = usageOf(request, body).withModelIfAbsent(request.model());
        try {
          body = rewriteAnswer(request, body);
        } catch (GatewayException e) {
          message.reply(e.error());
          return;
        }
      }
      message.reply(new ProxyResponse(response.statusCode(), ForwardedHeaders.downstream(response.headers()), body,
          usage));
    });
  }

  private void relayStream(Message<ProxyRequest> message, ProxyRequest request, HttpClientRequest upstream,
      HttpClientResponse response, UpstreamCall call) {
    response.pause();
    StreamSender sender = new StreamSender(vertx, request.streamAddress(), request.initialCredit(),
        request.timeoutMs());
    UsageObserver observer = streamUsage(request);
    sender.cancelHandler(reason -> {
      LOG.debug("{} cancelled: {}", request, reason);
      upstream.reset();
    });
    sender.ready().onComplete(ready -> {
      if (ready.failed()) {
        upstream.reset();
        message.reply(GatewayError.internal("Could not open the stream back to the gateway."));
        return;
      }
      message.reply(sender.head(response.statusCode(), ForwardedHeaders.downstream(response.headers())));
      response.handler(chunk -> {
        observer.onData(chunk);
        sender.write(chunk);
        if (sender.writeQueueFull()) {
          response.pause();
          sender.drainHandler(v -> response.resume());
        }
      });
      response.endHandler(v -> sender.end(observer.usage().withModelIfAbsent(request.model())));
      response.exceptionHandler(err -> {
        if (!sender.isClosed()) {
          sender.fail(errorFor(err, call));
        }
      });
      response.resume();
    });
  }

  /** Looked up once per label set; only this instance's event loop touches the map. */
  private Timer upstreamTimer(ProxyRequest request, int status) {
    return upstreamTimers.computeIfAbsent(request.operation() + '\0' + status,
        key -> Timer.builder("portcullis.upstream.duration")
            .description("Time from sending the upstream request to receiving its response head")
            .tag("provider", name())
            .tag("operation", request.operation())
            .tag("status", Integer.toString(status))
            .publishPercentileHistogram()
            .register(registry));
  }

  /** An error a client can act on, naming the upstream host but nothing that may hold a secret. */
  protected GatewayError errorFor(Throwable cause, UpstreamCall call) {
    if (cause instanceof GatewayException gatewayException) {
      return gatewayException.error();
    }
    String where = call == null ? name() : name() + " at " + hostOf(call.url());
    if (cause instanceof TimeoutException) {
      return GatewayError.upstreamTimeout("The upstream " + where + " did not answer within "
          + options.describeTimeout() + ".");
    }
    if (cause instanceof ConnectException || cause instanceof UnknownHostException
        || cause.getClass().getSimpleName().contains("ConnectTimeout")) {
      return GatewayError.upstreamUnreachable("Could not connect to the upstream " + where + ": "
          + cause.getClass().getSimpleName() + ".");
    }
    String text = String.valueOf(cause.getMessage());
    if (text.toLowerCase().contains("timeout")) {
      return GatewayError.upstreamTimeout("The upstream " + where + " did not answer within "
          + options.describeTimeout() + ".");
    }
    LOG.warn("upstream call to {} failed: {}", where, cause.toString());
    return GatewayError.upstreamUnreachable("The connection to the upstream " + where + " failed ("
        + cause.getClass().getSimpleName() + ").");
  }

  private static String hostOf(String url) {
    try {
      URI uri = URI.create(url);
      return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
    } catch (IllegalArgumentException e) {
      return "(unparseable URL)";
    }
  }
}
