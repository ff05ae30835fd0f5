package dev.portcullis.gateway.proxy;

import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.vertx.core.buffer.Buffer;
import dev.portcullis.gateway.observe.GenAiSpans;
import java.util.Map;

/** One client call as the gateway tracks it, from route match to the last byte. */
final class Call {

  final String requestId;
  final long startedNanos;
  /** The client's method and normalized path, for the access log. */
  final String method;
  final String path;
  final ProviderRoute route;
  final String proxyId;
  final String upstreamPath;
  final Map<String, String> params;
  boolean stream;
  long firstByteNanos;
  /** With tracing on: the trace context the call arrived in, and its GenAI span once it is sent. */
  io.opentelemetry.context.Context traceParent;
  GenAiSpans.CallSpan span;
  boolean recorded;
  String effectiveProxyId;
  /** Who called, for the usage record: set once the credential is resolved. */
  CallerKind callerKind = CallerKind.NONE;
  String callerId;
  /** The provider and model the call went to (for the model router: the target, not "model-router"). */
  String targetProvider;
  String requestedModel;
  /** The LLM proxy's audit level ({@code none}, {@code metadata}, {@code full}) once known. */
  String auditLevel = "none";
  /** At audit level {@code full}: the request body, and the answer's bytes up to the audit bound. */
  Buffer auditedRequest;
  boolean auditedRequestTruncated;
  AnswerCapture auditedAnswer;
  /** What the limit rules reserved for the call (settled when it is recorded), or {@code null}. */
  dev.portcullis.gateway.limit.LimitAdmission limits;
  /** The client's raw query (without {@code ?}), or null. */
  String query;
  /** The LLM proxy's policies when it has any (null: none, and nothing of the answer is read). */
  dev.portcullis.policy.evaluate.PolicyEngine policy;
  /** The API family the policies read the call in, or null. */
  dev.portcullis.policy.conversation.ApiFamily policyFamily;
  /** Judges the answer's tool calls; null when no rule could block one (nothing is held). */
  dev.portcullis.policy.tools.ToolCallJudge toolJudge;
  /** What the policies did, for the usage record; null when the proxy has no policies. */
  dev.portcullis.gateway.policy.PolicyNote policyNote;
  /** The stored keys the call may be sent with (one or more, weighted); empty when it has no choice. */
  java.util.List<dev.portcullis.common.bus.UpstreamCredential> keys = java.util.List.of();
  /** For the model router: the model as the caller named it ({@code provider:model}), and its fallbacks. */
  String routerModel;
  java.util.List<ModelRouterHandler.Fallback> fallbacks = java.util.List.of();
  /** Bytes of this call's body held in the {@link RequestBytesBudget}; given back when it is recorded. */
  long reservedBytes;

  Call(String requestId, long startedNanos, String method, String path, ProviderRoute route, String proxyId,
      String upstreamPath, Map<String, String> params) {
    this.requestId = requestId;
    this.startedNanos = startedNanos;
    this.method = method;
    this.path = path;
    this.route = route;
    this.proxyId = proxyId;
    this.upstreamPath = upstreamPath;
    this.params = params;
  }
}
