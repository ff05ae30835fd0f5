package dev.portcullis.gateway.proxy;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.http.ForwardedHeaders;
import dev.portcullis.common.http.ProtocolRefusal;
import dev.portcullis.common.stream.bus.StreamFrame;
import dev.portcullis.common.stream.bus.StreamReceiver;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.gateway.GatewaySettings;
import dev.portcullis.gateway.auth.ClientCredential;
import dev.portcullis.gateway.auth.CredentialResolver;
import dev.portcullis.gateway.auth.KeylessAccess;
import dev.portcullis.gateway.auth.Resolution;
import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import dev.portcullis.gateway.observe.CallRecord;
import dev.portcullis.gateway.observe.CallRecorder;
import dev.portcullis.gateway.routes.ModelRouterRoutes;
import dev.portcullis.gateway.routes.PathParts;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.gateway.routes.ProviderRoutes;
import dev.portcullis.common.provider.StreamMode;
import dev.portcullis.gateway.routes.RouteMatch;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider routes {@code /v1/<provider>[/{id}]/...}: matches the route (an unknown path is
 * refused before its body is read), reads the body within its bounds, reads what routing needs
 * from it, hands the call to the provider verticle over the bus, and writes the answer back, whole
 * or streamed. Every call that was matched is recorded exactly once, however it ends, which is
 * what keeps the in-flight count that draining waits for exact.
 */
public final class ProviderProxyHandler {

  private static final Logger LOG = LoggerFactory.getLogger(ProviderProxyHandler.class);
  private static final String CALL = "portcullis.call";
  private static final String PREFIX = "/v1/";
  private static final long REFUSED_BODY_LINGER_MS = 1_000;

  private final Vertx vertx;
  private final ProviderRoutes routes;
  private final GatewaySettings options;
  private final CallRecorder recorder;
  private final DeliveryOptions delivery;
  private final CredentialResolver credentials;
  private final KeylessAccess keyless;
  private final ProviderAvailability availability;
  private final ModelRouterHandler modelRouter;
  private final RequestBodyReader bodies;
  private final RoutingFields.Reader routingFields;
  private final RequestBytesBudget budget;
  private int inFlight;
  private boolean draining;
  private Promise<Void> drained;

  /** @param availability explains, in a 503, why no instance of a provider answered */
  public ProviderProxyHandler(Vertx vertx, ProviderRoutes routes, GatewaySettings options, CallRecorder recorder,
      CredentialResolver credentials, KeylessAccess keyless, ProviderAvailability availability) {
    this.vertx = vertx;
    this.budget = RequestBytesBudget.of(vertx, options.maxBufferedRequestBytes());
    this.bodies = new RequestBodyReader(vertx, options.bodyLimitBytes(), GatewaySettings.BODY_LIMIT, budget,
        options.limits().headerTimeoutMs());
    this.routingFields = new RoutingFields.Reader(options.bodyLimitBytes());
    this.availability = availability;
    this.credentials = credentials;
    this.keyless = keyless;
    this.modelRouter = new ModelRouterHandler(credentials, options.upstreamTimeoutMs());
    this.routes = routes;
    this.options = options;
    this.recorder = recorder;
    // The provider fails the call with 504 after the upstream timeout; the bus waits a little longer.
    this.delivery = new DeliveryOptions().setSendTimeout(options.upstreamTimeoutMs() + 10_000);
  }

  /** The error format of the route a failed request was on (OpenAI's when none matched). */
  public static ApiErrorFormat formatOf(RoutingContext ctx) {
    Call call = ctx.get(CALL);
    return call == null ? OpenAiErrorFormat.INSTANCE : call.route.errorFormat();
  }

  public static String requestIdOf(RoutingContext ctx) {
    Call call = ctx.get(CALL);
    return call == null ? null : call.requestId;
  }

  /**
   * Stops taking new calls (they get 503 and {@code Connection: close}) and completes when every
   * call in flight has finished, or when the timeout has passed.
   */
  public Future<Void> drain(long timeoutMs) {
    draining = true;
    if (drained == null) {
      drained = Promise.promise();
      if (inFlight == 0) {
        drained.tryComplete();
      } else {
        long timer = vertx.setTimer(Math.max(1, timeoutMs), t -> drained.tryComplete());
        drained.future().onComplete(v -> vertx.cancelTimer(timer));
      }
    }
    return drained.future();
  }

  /**
   * The one handler of {@code /v1/*}: finds the route (or answers 404 / 405 without reading the
   * body), checks the path parts that will go upstream, reads the body within its bounds, and
   * forwards the call.
   */
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    if (draining) {
      ctx.response().putHeader("Connection", "close").putHeader("Retry-After", "1");
      reject(ctx, "unknown", started, GatewayError.unavailable(
          "Portcullis is shutting down and takes no new calls; retry, another instance will answer."));
      return;
    }
    String path = ctx.normalizedPath();
    if (!path.startsWith(PREFIX) || path.length() == PREFIX.length()) {
      reject(ctx, "unknown", started, GatewayError.notFound("Unknown path " + path
          + ". Provider routes look like /v1/<provider>[/<llm-proxy-id>]/..."));
      return;
    }
    String afterPrefix = path.substring(PREFIX.length());
    int slash = afterPrefix.indexOf('/');
    String provider = slash < 0 ? afterPrefix : afterPrefix.substring(0, slash);
    String rest = slash < 0 ? "" : afterPrefix.substring(slash);
    RouteMatch match = routes.match(provider, ctx.request().method().name(), rest);
    if (match instanceof RouteMatch.Found found) {
      inFlight++;
      Call call = new Call(RequestIds.next(), started, found.route(), found.proxyId(), found.upstreamPath(),
          found.params());
      ctx.put(CALL, call);
      // Until a stream takes the response over, a client that goes away ends the call at once.
      ctx.response().closeHandler(v -> record(ctx, call, 499, null, "client_closed"));
      GatewayError badPart = pathParamProblem(found.route(), found.params());
      if (badPart != null) {
        fail(ctx, call, badPart);
        return;
      }
      bodies.read(ctx.request(), call, body -> guarded(ctx, call, () -> forward(ctx, call, body)),
          refusal -> {
            // The rest of the body is not read: the connection is closed once the answer is out,
            // rather than left to drain whatever the client keeps sending.
            ctx.response().putHeader("Connection", "close");
            if (refusal.kind() == ErrorKind.UNAVAILABLE) {
              ctx.response().putHeader("Retry-After", "1");
            }
            ErrorResponses.send(ctx.response(), call.route.errorFormat(), refusal, call.requestId)
                .onComplete(written -> closeAfterBody(ctx.request()));
            record(ctx, call, refusal.status(), null, "error");
          },
          broken -> {
            if (broken instanceof ProtocolRefusal refusal) {
              // The connection guard has answered it already; only the record is left.
              record(ctx, call, refusal.status(), null, "rejected");
            } else {
              record(ctx, call, 499, null, "client_closed");
            }
          });
    } else if (match instanceof RouteMatch.WrongMethod wrong) {
      ctx.response().putHeader("Allow", String.join(", ", wrong.allowed()));
      reject(ctx, provider, started, GatewayError.of(ErrorKind.METHOD_NOT_ALLOWED,
          "Method " + ctx.request().method() + " is not allowed on " + path + ". Allowed: "
              + String.join(", ", wrong.allowed()) + "."));
    } else {
      String message = routes.knows(provider)
          ? "Unknown path " + path + " for provider " + provider + "."
          : "Unknown provider in path " + path + ". Routes look like /v1/<provider>[/<llm-proxy-id>]/...";
      reject(ctx, routes.knows(provider) ? provider : "unknown", started, GatewayError.notFound(message));
    }
  }

  /**
   * Closes the connection of a request whose body was refused, once the client has stopped sending
   * or after a short linger: closing while its bytes still arrive would reset the connection, and
   * a reset can destroy the answer before the client reads it. The bytes that arrive meanwhile are
   * dropped as they come, never buffered.
   */
  private void closeAfterBody(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long linger = vertx.setTimer(REFUSED_BODY_LINGER_MS, t -> connection.close());
    request.endHandler(v -> {
      vertx.cancelTimer(linger);
      connection.close();
    });
    request.exceptionHandler(err -> vertx.cancelTimer(linger));
  }

  /** The 400 for a path parameter that could change the upstream path, or {@code null}. */
  private static GatewayError pathParamProblem(ProviderRoute route, Map<String, String> params) {
    for (Map.Entry<String, String> param : params.entrySet()) {
      // Bedrock model ids may be ARNs, which the AWS SDKs send with %2F inside the segment.
      String problem = PathParts.problemWithEncoded(param.getValue(), route.provider().equals("bedrock"));
      if (problem != null) {
        return GatewayError.invalidRequest("The " + param.getKey() + " in the path " + problem + ".", param.getKey());
      }
    }
    return null;
  }

  /** The 400 for a model named in the body that a provider places in its upstream path, or {@code null}. */
  private static GatewayError bodyModelProblem(ProviderRoute route, String model) {
    if (model == null || route.modelField() == null) {
      return null;
    }
    return switch (route.provider()) {
      // Classic Azure endpoints call /deployments/{model}/...
      case "azure" -> refusal(PathParts.problemWithDecoded(model, false),
          "'" + model + "' is not an Azure deployment name: it ", route.modelField());
      // /converse calls /model/{modelId}/converse; an ARN's slashes are encoded into the segment.
      case "bedrock" -> refusal(PathParts.problemWithDecoded(model, true), "'" + route.modelField() + "' ",
          route.modelField());
      default -> null;
    };
  }

  private static GatewayError refusal(String problem, String prefix, String param) {
    return problem == null ? null : GatewayError.invalidRequest(prefix + problem + ".", param);
  }

  /** The body has been read within its bounds: check it and forward the call. */
  private void forward(RoutingContext ctx, Call call, Buffer body) {
    HttpServerRequest request = ctx.request();
    ProviderRoute route = call.route;
    String model = route.modelParam() == null ? null : call.params.get(route.modelParam());
    call.stream = route.streamMode() == StreamMode.ALWAYS;
    String bodyModel = null;
    if (route.jsonBody()) {
      RoutingFields fields;
      try {
        fields = routingFields.read(body, route.modelField());
      } catch (GatewayException e) {
        fail(ctx, call, e.error());
        return;
      }
      bodyModel = fields.model();
      model = bodyModel != null ? bodyModel : model;
      if (route.streamMode() == StreamMode.BODY_FLAG) {
        call.stream = Boolean.TRUE.equals(fields.stream());
      }
    }
    if (call.stream && request.version() == io.vertx.core.http.HttpVersion.HTTP_1_0) {
      // HTTP/1.0 has no chunked encoding, so an answer of unknown length cannot be relayed as it comes.
      fail(ctx, call, GatewayError.invalidRequest("A streamed answer needs HTTP/1.1 (chunked transfer encoding); "
          + "send the request as HTTP/1.1 or without streaming.", null));
      return;
    }
    if (ModelRouterRoutes.isModelRouter(route)) {
      modelRouter.prepare(request, call, bodyModel, body).onComplete(ar -> guarded(ctx, call, () -> {
        if (ar.failed()) {
          fail(ctx, call, ar.cause() instanceof GatewayException e ? e.error()
              : GatewayError.unavailable("Credentials cannot be checked right now; try again shortly."));
        } else {
          send(ctx, call, Addresses.ROUTER_MODEL, ar.result());
        }
      }));
      return;
    }
    GatewayError badModel = bodyModelProblem(route, bodyModel);
    if (badModel != null) {
      fail(ctx, call, badModel);
      return;
    }
    String presented;
    try {
      presented = ClientCredential.of(request);
    } catch (GatewayException e) {
      fail(ctx, call, e.error());
      return;
    }
    String clientAddress = credentials.clientAddress(request);
    String forwardedModel = model;
    credentials.resolve(presented, route.provider(), call.proxyId, clientAddress).onComplete(ar -> guarded(ctx, call,
        () -> {
      if (ar.failed()) {
        GatewayError error = ar.cause() instanceof GatewayException e ? e.error()
            : GatewayError.unavailable("Credentials cannot be checked right now; try again shortly.");
        fail(ctx, call, error);
        return;
      }
      Resolution resolution = ar.result();
      call.effectiveProxyId = resolution.proxyId();
      MultiMap headers = ForwardedHeaders.upstream(request.headers());
      String query = request.query();
      UpstreamCredential credential;
      switch (resolution.kind()) {
        case RESOLVED -> {
          // The client's credential (a virtual key or token) never goes upstream.
          ClientCredential.strip(headers);
          query = ClientCredential.queryWithoutKey(query);
          credential = resolution.credential();
        }
        case ANONYMOUS -> {
          if (!keyless.allowsWithoutKey(route.provider(), clientAddress)) {
            fail(ctx, call, GatewayError.of(ErrorKind.AUTHENTICATION, keyless.missingKeyMessage(route.provider())));
            return;
          }
          credential = UpstreamCredential.SERVER_SIDE;
        }
        case PASSTHROUGH -> {
          // A key that is not ours never borrows a server identity (SECURITY.md, "Server identities").
          String refusal = keyless.refusePassthrough(route.provider(), clientAddress);
          if (refusal != null) {
            fail(ctx, call, GatewayError.of(ErrorKind.AUTHENTICATION, refusal));
            return;
          }
          credential = null;
        }
        default -> credential = null;
      }
      ProxyRequest proxyRequest = new ProxyRequest(route.provider(), route.operation().wireName(), request.method().name(),
          call.upstreamPath, query, headers, body == null ? Buffer.buffer() : body, credential,
          resolution.proxyId(), call.requestId, forwardedModel, options.upstreamTimeoutMs(), null, 0);
      send(ctx, call, Addresses.provider(route.provider()), proxyRequest);
    }));
  }

  /**
   * Runs a step of a call outside vertx-web's handler chain (a callback), so that a bug in it
   * still ends the call with a 500 and its record, instead of leaving it in flight forever.
   */
  private void guarded(RoutingContext ctx, Call call, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException bug) {
      LOG.error("call {} failed", call.requestId, bug);
      fail(ctx, call, GatewayError.internal("Portcullis failed to handle the request."));
    }
  }

  /** Hands the call to the verticle at {@code address} and answers the client with its reply. */
  private void send(RoutingContext ctx, Call call, String address, Object message) {
    if (call.stream && message instanceof ProxyRequest proxyRequest) {
      forwardStream(ctx, call, address, proxyRequest);
    } else {
      vertx.eventBus().<Object>request(address, message, delivery).onComplete(reply -> {
        if (reply.failed()) {
          fail(ctx, call, busFailure(reply.cause(), call));
        } else {
          answer(ctx, call, reply.result().body());
        }
      });
    }
  }

  private void forwardStream(RoutingContext ctx, Call call, String address, ProxyRequest proxyRequest) {
    StreamReceiver receiver = StreamReceiver.open(vertx, options.streamWindow(), options.upstreamTimeoutMs());
    receiver.ready()
        .compose(v -> vertx.eventBus().<Object>request(address,
            proxyRequest.withStream(receiver.address(), receiver.window()), delivery))
        .onComplete(ar -> {
          if (ar.failed()) {
            receiver.close();
            fail(ctx, call, busFailure(ar.cause(), call));
            return;
          }
          Object reply = ar.result().body();
          if (reply instanceof StreamFrame.Head head) {
            new StreamRelay(ctx.response(), receiver, call, call.route.errorFormat(), outcome ->
                record(ctx, call, ctx.response().getStatusCode(), receiver.usage(), outcome.name().toLowerCase()))
                .start(head);
          } else {
            receiver.close();
            answer(ctx, call, reply);
          }
        });
  }

  private void answer(RoutingContext ctx, Call call, Object reply) {
    if (reply instanceof ProxyResponse response) {
      HttpServerResponse out = ctx.response();
      if (out.closed()) {
        record(ctx, call, 499, response.usage(), "client_closed");
        return;
      }
      out.setStatusCode(response.status());
      out.headers().addAll(response.headers());
      out.putHeader("x-portcullis-request-id", call.requestId);
      out.end(response.body());
      record(ctx, call, response.status(), response.usage(), "completed");
    } else if (reply instanceof GatewayError error) {
      fail(ctx, call, error);
    } else {
      fail(ctx, call, GatewayError.internal("The provider answered with an unexpected message."));
    }
  }

  private GatewayError busFailure(Throwable cause, Call call) {
    if (cause instanceof ReplyException reply) {
      switch (reply.failureType()) {
        case NO_HANDLERS:
          if (ModelRouterRoutes.isModelRouter(call.route)) {
            return GatewayError.unavailable("The model router is not running in this deployment: nothing answers "
                + Addresses.ROUTER_MODEL + " (add the router role to PORTCULLIS_ROLES).");
          }
          String why = availability.explainUnavailable(call.route.provider());
          return GatewayError.unavailable("The " + call.route.provider()
              + " provider is not running in this deployment: no provider verticle answers "
              + Addresses.provider(call.route.provider()) + (why == null ? "." : " (" + why + ")."));
        case TIMEOUT:
          return GatewayError.upstreamTimeout("The " + call.route.provider() + " provider did not answer within "
              + (options.upstreamTimeoutMs() + 10_000) + " ms.");
        default:
          return GatewayError.internal("The " + call.route.provider() + " provider failed: " + reply.getMessage());
      }
    }
    if (cause instanceof GatewayException gatewayException) {
      return gatewayException.error();
    }
    return GatewayError.internal("The call could not be handed to the " + call.route.provider() + " provider.");
  }

  private void fail(RoutingContext ctx, Call call, GatewayError error) {
    ErrorResponses.send(ctx.response(), call.route.errorFormat(), error, call.requestId);
    record(ctx, call, error.status(), null, "error");
  }

  private void reject(RoutingContext ctx, String provider, long started, GatewayError error) {
    ErrorResponses.send(ctx.response(), routes.errorFormat(provider), error, null);
    recorder.record(new CallRecord(null, ctx.request().method().name(), ctx.normalizedPath(), provider, "unknown",
        null, false, error.status(), System.nanoTime() - started, 0, null, "rejected"));
  }

  /** Records a call that ended in the failure handler (for example a body over the limit). */
  public void recordFailure(RoutingContext ctx, int status) {
    Call call = ctx.get(CALL);
    if (call != null) {
      record(ctx, call, status, null, "error");
    }
  }

  private void record(RoutingContext ctx, Call call, int status, Usage usage, String outcome) {
    if (call.recorded) {
      return;
    }
    call.recorded = true;
    budget.release(call.reservedBytes);
    call.reservedBytes = 0;
    if (--inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
    HttpServerResponse response = ctx.response();
    if (response.closed() && !response.ended() && !"rejected".equals(outcome)) {
      // The client went away before its answer was complete: whatever we meant to send, it got none.
      status = 499;
      outcome = "client_closed";
    }
    recorder.record(new CallRecord(call.requestId, ctx.request().method().name(), ctx.normalizedPath(),
        call.route.provider(), call.route.operation().wireName(),
        call.effectiveProxyId != null ? call.effectiveProxyId : call.proxyId, call.stream, status,
        System.nanoTime() - call.startedNanos, call.firstByteNanos, usage, outcome));
  }

}
