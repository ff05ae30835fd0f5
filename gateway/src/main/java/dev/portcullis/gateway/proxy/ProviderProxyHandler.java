package dev.portcullis.gateway.proxy;

import dev.portcullis.common.usage.UsageRecord;
import java.util.function.Consumer;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.gateway.policy.PolicyFamilies;
import dev.portcullis.gateway.policy.PolicyHeaders;
import dev.portcullis.gateway.policy.PolicyNote;
import dev.portcullis.gateway.policy.ProxyPolicies;
import dev.portcullis.gateway.policy.UngatedAnswers;
import dev.portcullis.policy.conversation.ApiFamily;
import dev.portcullis.policy.evaluate.PolicyEngine;
import dev.portcullis.policy.evaluate.RequestDecision;
import dev.portcullis.policy.sensitive.Detectors;
import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import dev.portcullis.common.http.ProtocolRefusal;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.gateway.GatewaySettings;
import dev.portcullis.gateway.auth.CredentialResolver;
import dev.portcullis.gateway.auth.KeylessAccess;
import dev.portcullis.gateway.limit.LimitAdmission;
import dev.portcullis.gateway.limit.LimitEnforcer;
import dev.portcullis.gateway.observe.CallRecorder;
import dev.portcullis.gateway.observe.GenAiSpans;
import dev.portcullis.gateway.routes.ModelRouterRoutes;
import dev.portcullis.gateway.routes.ProviderRoutes;
import dev.portcullis.gateway.routes.RouteMatch;
import dev.portcullis.gateway.resilience.UpstreamHealth;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider routes {@code /v1/<provider>[/{id}]/...}, step by step: the route is looked up
 * ({@link RouteLookup}; an unknown path is refused before its body is read), its path parts checked
 * ({@link ModelPathChecks}), the body read within its bounds ({@link RequestBodyReader}) and sniffed
 * for model and stream flag ({@link BodySniffer}); then a model router call is prepared by the
 * {@link ModelRouterHandler}, any other call admitted ({@link CredentialPolicy}) and built
 * ({@link ProxyRequestAssembler}); it is sent over the bus ({@link CallSender}) and its answer
 * written back, whole or streamed ({@link AnswerWriter}). Every call that was matched is recorded
 * exactly once, however it ends ({@link CallTracker}), which is what keeps the in-flight count that
 * draining waits for exact.
 */
public final class ProviderProxyHandler {

  /** Bodies up to this size have their policies applied on the event loop; larger ones on a worker. */
  static final int INLINE_POLICY_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(ProviderProxyHandler.class);
  private static final String CALL = "portcullis.call";

  private final RouteLookup routes;
  private final RequestBodyReader bodies;
  private final RefusedBodyResponder refusedBodies;
  private final BodySniffer sniffer;
  private final ModelRouterHandler modelRouter;
  private final CredentialPolicy credentialPolicy;
  private final ProxyRequestAssembler assembler;
  private final CallSender sender;
  private final ProviderAvailability availability;
  private final CallTracker tracker;
  private final AnswerWriter answers;
  /** {@code null} when usage records (and so the audit log) are off. */
  private final AuditCapture audit;
  private final GenAiSpans spans;
  /** {@code null} when no limits are enforced. */
  private final LimitEnforcer limits;
  private final ProxyPolicies policies;
  private final Vertx vertx;
  /** Retries, failover and circuits; {@code null}: each call is sent once, as it is. */
  private final Attempts attempts;

  /** @param availability explains, in a 503, why no instance of a provider answered */
  public ProviderProxyHandler(Vertx vertx, ProviderRoutes routes, GatewaySettings options, CallRecorder recorder,
      CredentialResolver credentials, KeylessAccess keyless, ProviderAvailability availability) {
    this(vertx, routes, options, recorder, credentials, keyless, availability, null, 0, null, null, true, null, null);
  }

  /**
   * @param availability   explains, in a 503, why no instance of a provider answered
   * @param usageSink      where each finished call's usage record goes ({@code null}: usage records are off)
   * @param auditBodyLimit at audit level {@code full}, the most bytes kept of a request and of an answer
   * @param spans          each LLM call's span when tracing is on; {@code null} when it is off
   * @param limits         enforces the limit rules on this event loop; {@code null}: no limits
   * @param policiesExist  whether an auth-service (and so LLM proxies with policies) can exist for
   *                       this gateway; without one no call asks for policies
   * @param health         the upstreams' health, shared by the gateway's event loops; {@code null}:
   *                       no retries, failover or circuits
   * @param registry       where retries and fallbacks are counted (with {@code health})
   */
  public ProviderProxyHandler(Vertx vertx, ProviderRoutes routes, GatewaySettings options, CallRecorder recorder,
      CredentialResolver credentials, KeylessAccess keyless, ProviderAvailability availability,
      Consumer<UsageRecord> usageSink, int auditBodyLimit, GenAiSpans spans, LimitEnforcer limits,
      boolean policiesExist, UpstreamHealth health, MeterRegistry registry) {
    this.spans = spans;
    this.limits = limits;
    this.vertx = vertx;
    this.policies = policiesExist ? new ProxyPolicies(credentials, Detectors.defaults()) : null;
    RequestBytesBudget budget = RequestBytesBudget.of(vertx, options.maxBufferedRequestBytes());
    this.routes = new RouteLookup(routes);
    this.bodies = new RequestBodyReader(vertx, options.bodyLimitBytes(), GatewaySettings.BODY_LIMIT, budget,
        options.limits().headerTimeoutMs());
    this.refusedBodies = new RefusedBodyResponder(vertx, RefusedBodyResponder.LINGER_MS);
    this.sniffer = new BodySniffer(options.bodyLimitBytes());
    this.credentialPolicy = new CredentialPolicy(credentials, keyless);
    this.assembler = new ProxyRequestAssembler(options.upstreamTimeouts(), spans);
    this.modelRouter = new ModelRouterHandler(credentialPolicy, assembler, options.upstreamTimeoutMs(),
        credentials::fallbacks);
    this.sender = new CallSender(vertx, options.upstreamTimeoutMs(), options.streamWindow());
    this.attempts = health == null ? null : new Attempts(vertx, sender, health, registry);
    this.availability = availability;
    this.tracker = new CallTracker(vertx, recorder, budget, usageSink == null ? null : new UsageRecords(usageSink),
        limits);
    this.answers = new AnswerWriter(tracker);
    this.audit = usageSink == null ? null : new AuditCapture(credentials, auditBodyLimit);
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
    return tracker.drain(timeoutMs);
  }

  /**
   * The one handler of {@code /v1/*}: finds the route (or answers 404 / 405 without reading the
   * body), checks the path parts that will go upstream, reads the body within its bounds, and
   * forwards the call.
   */
  public void handle(RoutingContext ctx) {
    long started = System.nanoTime();
    String method = ctx.request().method().name();
    String path = ctx.normalizedPath();
    if (tracker.draining()) {
      ctx.response().putHeader("Connection", "close").putHeader("Retry-After", "1");
      reject(ctx, RouteLookup.UNKNOWN_PROVIDER, routes.errorFormat(RouteLookup.UNKNOWN_PROVIDER), started,
          GatewayError.unavailable(
              "Portcullis is shutting down and takes no new calls; retry, another instance will answer."));
      return;
    }
    RouteLookup.Result result = routes.lookup(method, path);
    if (result instanceof RouteLookup.Refused refused) {
      if (!refused.allowed().isEmpty()) {
        ctx.response().putHeader("Allow", String.join(", ", refused.allowed()));
      }
      reject(ctx, refused.provider(), refused.format(), started, refused.error());
      return;
    }
    RouteMatch.Found found = ((RouteLookup.Matched) result).found();
    Call call = new Call(RequestIds.next(), started, method, path, found.route(), found.proxyId(),
        found.upstreamPath(), found.params());
    call.query = ctx.request().query();
    tracker.begin(call);
    ctx.put(CALL, call);
    if (spans != null) {
      // Here, on the request's own context: later steps may continue on another.
      call.traceParent = spans.callerContext();
    }
    // Until a stream takes the response over, a client that goes away ends the call at once.
    ctx.response().closeHandler(v -> tracker.record(call, ctx.response(), 499, null, "client_closed"));
    GatewayError badPart = ModelPathChecks.pathParamProblem(found.route(), found.params());
    if (badPart != null) {
      answers.fail(ctx.response(), call, badPart);
      return;
    }
    bodies.read(ctx.request(), call, body -> guarded(ctx, call, () -> forward(ctx, call, body)),
        refusal -> {
          refusedBodies.respond(ctx.request(), ctx.response(), call.route.errorFormat(), refusal, call.requestId);
          tracker.record(call, ctx.response(), refusal.status(), null, "error");
        },
        broken -> {
          if (broken instanceof ProtocolRefusal refusal) {
            // The connection guard has answered it already; only the record is left.
            tracker.record(call, ctx.response(), refusal.status(), null, "rejected");
          } else {
            tracker.record(call, ctx.response(), 499, null, "client_closed");
          }
        });
  }

  /** Records a call that ended in the failure handler (for example a body over the limit). */
  public void recordFailure(RoutingContext ctx, int status) {
    Call call = ctx.get(CALL);
    if (call != null) {
      tracker.record(call, ctx.response(), status, null, "error");
    }
  }

  /** The body has been read within its bounds: check it and forward the call. */
  private void forward(RoutingContext ctx, Call call, Buffer body) {
    HttpServerRequest request = ctx.request();
    ProviderRoute route = call.route;
    call.stream = BodySniffer.alwaysStreams(route);
    BodySniffer.Sniffed sniffed;
    try {
      sniffed = sniffer.sniff(route, call.params, body);
    } catch (GatewayException e) {
      answers.fail(ctx.response(), call, e.error());
      return;
    }
    call.stream = sniffed.stream();
    call.requestedModel = sniffed.model();
    GatewayError cannotStream = call.stream ? StreamRelay.refusalFor(request.version()) : null;
    if (cannotStream != null) {
      answers.fail(ctx.response(), call, cannotStream);
      return;
    }
    if (ModelRouterRoutes.isModelRouter(route)) {
      modelRouter.prepare(request, call, sniffed.bodyModel(), body).onComplete(ar -> guarded(ctx, call, () -> {
        if (ar.failed()) {
          failed(ctx, call, ar.cause());
        } else {
          send(ctx, call, BusDestination.modelRouter(), ar.result(), body);
        }
      }));
      return;
    }
    GatewayError badModel = ModelPathChecks.bodyModelProblem(route, sniffed.bodyModel());
    if (badModel != null) {
      answers.fail(ctx.response(), call, badModel);
      return;
    }
    credentialPolicy.admit(request, route.provider(), call.proxyId).onComplete(ar -> guarded(ctx, call, () -> {
      if (ar.failed()) {
        failed(ctx, call, ar.cause());
        return;
      }
      Admission admission = ar.result();
      call.effectiveProxyId = admission.proxyId();
      call.keys = admission.keys();
      call.callerKind = admission.callerKind();
      call.callerId = admission.callerId();
      if (!admission.admitted()) {
        answers.fail(ctx.response(), call, admission.refusal());
        return;
      }
      ProxyRequest proxyRequest = assembler.assemble(call, ClientRequest.of(request), route.provider(), admission,
          sniffed.model(), body);
      send(ctx, call, BusDestination.provider(route.provider(), availability), proxyRequest, body);
    }));
  }

  /**
   * Applies the LLM proxy's security policies to the request (a refused call goes no further; a
   * redacted body replaces the client's), then goes on to the limits.
   */
  private void send(RoutingContext ctx, Call call, BusDestination destination, Object message, Buffer body) {
    if (policies == null || !(message instanceof ProxyRequest request)) {
      limited(ctx, call, destination, message, body);
      return;
    }
    policies.of(call.effectiveProxyId).onComplete(ar -> guarded(ctx, call, () -> {
      if (ar.failed()) {
        failed(ctx, call, ar.cause());
        return;
      }
      PolicyEngine engine = ar.result();
      if (engine.isEmpty()) {
        limited(ctx, call, destination, request, body);
        return;
      }
      ApiFamily family = PolicyFamilies.of(call.route, call.requestedModel);
      boolean saysUntrusted = "true".equalsIgnoreCase(ctx.request().getHeader(PolicyHeaders.CONTEXT_UNTRUSTED));
      Future<RequestDecision> decided = body.length() <= INLINE_POLICY_BYTES
          ? Future.succeededFuture(engine.onRequest(family, body, saysUntrusted))
          // A large body's scan would hold the event loop: a worker takes it.
          : vertx.executeBlocking(() -> engine.onRequest(family, body, saysUntrusted), false);
      decided.onComplete(done -> guarded(ctx, call, () -> {
        if (done.failed()) {
          bug(ctx, call, done.cause());
          return;
        }
        applied(ctx, call, destination, request, engine, family, done.result());
      }));
    }));
  }

  private void applied(RoutingContext ctx, Call call, BusDestination destination, ProxyRequest request,
      PolicyEngine engine, ApiFamily family, RequestDecision decision) {
    call.policy = engine;
    call.policyFamily = PolicyFamilies.ofAnswer(call.route, family);
    call.toolJudge = decision.judge();
    call.policyNote = new PolicyNote().context(decision.contextUntrusted(), decision.contextReason())
        .counts("redacted", decision.redacted()).counts("logged", decision.logged());
    PolicyHeaders.context(ctx.response(), decision.contextUntrusted(), decision.contextReason());
    if (decision.refused()) {
      call.policyNote.refused(decision.refusalRule());
      answers.fail(ctx.response(), call, GatewayError.of(ErrorKind.PERMISSION, decision.refusal()), "policy");
      return;
    }
    Buffer sent = decision.body();
    String ungated = UngatedAnswers.refusal(call.route, call.policyFamily, engine, sent);
    if (ungated != null) {
      call.policyNote.refused("answer-not-gated");
      answers.fail(ctx.response(), call, GatewayError.of(ErrorKind.PERMISSION, ungated), "policy");
      return;
    }
    limited(ctx, call, destination, sent == request.body() ? request : request.withBody(sent), sent);
  }

  /**
   * Checks the call against the limit rules (a refused call goes no further), sets it up for the
   * audit log (when records are on), then hands it to {@code destination} and answers the client
   * with its reply.
   */
  private void limited(RoutingContext ctx, Call call, BusDestination destination, Object message, Buffer body) {
    if (limits == null || !(message instanceof ProxyRequest request)) {
      audited(ctx, call, destination, message, body);
      return;
    }
    limits.admit(call.callerKind, call.callerId, request.proxyId(), request.provider(), call.requestedModel,
        call.stream, body).onComplete(ar -> guarded(ctx, call, () -> {
          if (ar.failed()) {
            failed(ctx, call, ar.cause());
            return;
          }
          LimitAdmission admission = ar.result();
          call.limits = admission;
          if (admission.refused()) {
            admission.refusalHeaders().forEach(ctx.response()::putHeader);
            answers.fail(ctx.response(), call, admission.refusal(), "limited");
          } else {
            audited(ctx, call, destination, message, body);
          }
        }));
  }

  private void audited(RoutingContext ctx, Call call, BusDestination destination, Object message, Buffer body) {
    if (audit == null) {
      send(ctx, call, destination, message);
      return;
    }
    audit.prepare(call, body).onComplete(ar -> guarded(ctx, call, () -> send(ctx, call, destination, message)));
  }

  private void send(RoutingContext ctx, Call call, BusDestination destination, Object message) {
    if (spans != null && message instanceof ProxyRequest request) {
      call.span = spans.start(call.traceParent, request.provider(), call.route.operation(), request.model(),
          call.stream, request.proxyId(), call.requestId, call.callerKind.wire());
    }
    Future<BusReply> reply;
    if (attempts != null && message instanceof ProxyRequest request) {
      int maxRetries;
      try {
        maxRetries = Attempts.maxRetriesOf(ctx.request().getHeader(Attempts.MAX_RETRIES_HEADER));
      } catch (GatewayException e) {
        answers.fail(ctx.response(), call, e.error());
        return;
      }
      reply = attempts.send(call, targets(call, destination, request), maxRetries, ctx.response(), call.span);
    } else {
      reply = sender.send(destination, message, call.stream, call.span);
    }
    reply.onComplete(ar -> guarded(ctx, call, () -> {
      if (ar.failed()) {
        failed(ctx, call, ar.cause());
      } else {
        answers.write(ctx.response(), call, ar.result());
      }
    }));
  }

  /** Where the call may go: its provider (or the model it named), then the model router's fallbacks. */
  private static List<Attempts.Target> targets(Call call, BusDestination destination, ProxyRequest request) {
    String provider = call.targetProvider != null ? call.targetProvider : request.provider();
    Attempts.Target first = new Attempts.Target(destination, request, call.keys, provider, call.routerModel);
    if (call.fallbacks.isEmpty()) {
      return List.of(first);
    }
    List<Attempts.Target> targets = new ArrayList<>(1 + call.fallbacks.size());
    targets.add(first);
    for (ModelRouterHandler.Fallback fallback : call.fallbacks) {
      targets.add(new Attempts.Target(destination, request.toBuilder().provider(fallback.provider())
          .model(fallback.nativeId()).credential(fallback.keys().get(0)).timeoutMs(fallback.timeoutMs()).build(),
          fallback.keys(), fallback.provider(), fallback.model()));
    }
    return targets;
  }

  /**
   * Runs a step of a call outside vertx-web's handler chain (a callback), so that a bug in it
   * still ends the call with a 500 and its record, instead of leaving it in flight forever.
   */
  private void guarded(RoutingContext ctx, Call call, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException bug) {
      bug(ctx, call, bug);
    }
  }

  /** A step failed: with the error it carries, or, when it carries none, as a bug. */
  private void failed(RoutingContext ctx, Call call, Throwable cause) {
    if (cause instanceof GatewayException known) {
      answers.fail(ctx.response(), call, known.error());
    } else {
      bug(ctx, call, cause);
    }
  }

  private void bug(RoutingContext ctx, Call call, Throwable bug) {
    LOG.error("call {} failed", call.requestId, bug);
    answers.fail(ctx.response(), call, GatewayError.internal("Portcullis failed to handle the request."));
  }

  private void reject(RoutingContext ctx, String provider, ApiErrorFormat format, long started, GatewayError error) {
    ErrorResponses.send(ctx.response(), format, error, null);
    tracker.recordRejected(ctx.request().method().name(), ctx.normalizedPath(), provider, error.status(), started);
  }
}
