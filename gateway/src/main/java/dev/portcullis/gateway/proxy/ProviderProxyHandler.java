package dev.portcullis.gateway.proxy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.http.ForwardedHeaders;
import dev.portcullis.common.stream.StreamFrame;
import dev.portcullis.common.stream.StreamReceiver;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.gateway.GatewayOptions;
import dev.portcullis.gateway.auth.ClientCredential;
import dev.portcullis.gateway.auth.CredentialResolver;
import dev.portcullis.gateway.auth.KeylessAccess;
import dev.portcullis.gateway.auth.Resolution;
import dev.portcullis.gateway.errors.ApiErrorFormat;
import dev.portcullis.gateway.errors.OpenAiErrorFormat;
import dev.portcullis.gateway.observe.CallRecord;
import dev.portcullis.gateway.observe.CallRecorder;
import dev.portcullis.gateway.routes.ModelRouterRoutes;
import dev.portcullis.gateway.routes.ProviderRoute;
import dev.portcullis.gateway.routes.ProviderRoutes;
import dev.portcullis.gateway.routes.StreamMode;
import dev.portcullis.gateway.routes.RouteMatch;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * The provider routes {@code /v1/<provider>[/{id}]/...}: matches the route, reads and checks the
 * body, hands the call to the provider verticle over the bus, and writes the answer back, whole or
 * streamed. Used as two handlers around vertx-web's body handler: {@link #match} first, so that an
 * unknown path is refused before its body is read, then {@link #forward}.
 */
public final class ProviderProxyHandler {

  private static final String CALL = "portcullis.call";
  private static final String PREFIX = "/v1/";

  private final Vertx vertx;
  private final ProviderRoutes routes;
  private final GatewayOptions options;
  private final CallRecorder recorder;
  private final DeliveryOptions delivery;
  private final CredentialResolver credentials;
  private final KeylessAccess keyless;
  private final ProviderAvailability availability;
  private final ModelRouterHandler modelRouter;
  private int inFlight;
  private boolean draining;
  private Promise<Void> drained;

  /** @param availability explains, in a 503, why no instance of a provider answered */
  public ProviderProxyHandler(Vertx vertx, ProviderRoutes routes, GatewayOptions options, CallRecorder recorder,
      CredentialResolver credentials, KeylessAccess keyless, ProviderAvailability availability) {
    this.vertx = vertx;
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

  /** First handler: find the route, or answer 404 / 405 without reading the body. */
  public void match(RoutingContext ctx) {
    long started = System.nanoTime();
    if (draining) {
      ctx.response().putHeader("Connection", "close").putHeader("Retry-After", "1");
      reject(ctx, "unknown", started, GatewayError.unavailable(
          "Portcullis is shutting down and takes no new calls; retry, another instance will answer."));
      return;
    }
    String path = ctx.normalizedPath();
    String afterPrefix = path.substring(PREFIX.length());
    int slash = afterPrefix.indexOf('/');
    String provider = slash < 0 ? afterPrefix : afterPrefix.substring(0, slash);
    String rest = slash < 0 ? "" : afterPrefix.substring(slash);
    RouteMatch match = routes.match(provider, ctx.request().method().name(), rest);
    if (match instanceof RouteMatch.Found found) {
      inFlight++;
      ctx.put(CALL, new Call(RequestIds.next(), started, found.route(), found.proxyId(), found.upstreamPath(),
          found.params()));
      ctx.next();
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

  /** Last handler: the body has been read within the limit; check it and forward the call. */
  public void forward(RoutingContext ctx) {
    Call call = ctx.get(CALL);
    HttpServerRequest request = ctx.request();
    Buffer body = ctx.body().buffer();
    ProviderRoute route = call.route;
    String model = route.modelParam() == null ? null : call.params.get(route.modelParam());
    call.stream = route.streamMode() == StreamMode.ALWAYS;
    JsonNode json = null;
    if (route.jsonBody()) {
      try {
        json = JsonBodies.parseObject(body);
      } catch (GatewayException e) {
        fail(ctx, call, e.error());
        return;
      }
      if (route.modelField() != null) {
        JsonNode modelNode = json.get(route.modelField());
        model = modelNode != null && modelNode.isTextual() ? modelNode.textValue() : model;
      }
      if (route.streamMode() == StreamMode.BODY_FLAG) {
        JsonNode streamNode = json.get("stream");
        call.stream = streamNode != null && streamNode.isBoolean() && streamNode.booleanValue();
      }
      // Kept for the policies that will read the request; never re-serialized for forwarding.
      ctx.put("portcullis.json", json);
    }
    if (ModelRouterRoutes.isModelRouter(route)) {
      modelRouter.prepare(request, call, json, body).onComplete(ar -> {
        if (ar.failed()) {
          fail(ctx, call, ar.cause() instanceof GatewayException e ? e.error()
              : GatewayError.unavailable("Credentials cannot be checked right now; try again shortly."));
        } else {
          send(ctx, call, Addresses.ROUTER_MODEL, ar.result());
        }
      });
      return;
    }
    String presented = ClientCredential.of(request);
    String clientAddress = credentials.clientAddress(request);
    String forwardedModel = model;
    credentials.resolve(presented, route.provider(), call.proxyId, clientAddress).onComplete(ar -> {
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
      ProxyRequest proxyRequest = new ProxyRequest(route.provider(), route.operation(), request.method().name(),
          call.upstreamPath, query, headers, body == null ? Buffer.buffer() : body, credential,
          resolution.proxyId(), call.requestId, forwardedModel, options.upstreamTimeoutMs(), null, 0);
      send(ctx, call, Addresses.provider(route.provider()), proxyRequest);
    });
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
    if (--inFlight == 0 && drained != null) {
      drained.tryComplete();
    }
    recorder.record(new CallRecord(call.requestId, ctx.request().method().name(), ctx.normalizedPath(),
        call.route.provider(), call.route.operation(),
        call.effectiveProxyId != null ? call.effectiveProxyId : call.proxyId, call.stream, status,
        System.nanoTime() - call.startedNanos, call.firstByteNanos, usage, outcome));
  }

}
