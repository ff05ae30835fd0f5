package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.router.ModelId;
import dev.portcullis.common.router.ModelListRequest;
import dev.portcullis.gateway.auth.MappedCredentials;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import dev.portcullis.gateway.resilience.ModelFallbacks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.function.Function;
import java.util.List;
import java.util.Map;

/**
 * The gateway's part of the model router ({@code /v1/model-router/{id}/...}): it authenticates the
 * caller (virtual key or access token only), resolves the provider named by the model
 * ({@code <provider>:<native id>}) to the caller's credential for it, and builds the message for
 * {@code portcullis.router.model}. Everything else, rewriting and translation, is the router's.
 */
final class ModelRouterHandler {

  /**
   * Every provider the model router reaches (each descriptor names how), sorted by name, for the
   * message on an unknown one.
   */
  static final List<String> ROUTER_PROVIDERS = Providers.sortedNames();

  /**
   * A model to try when the one the caller named fails in a way the retry rule allows: its
   * provider, its native id, the caller's keys for that provider, and the model as configured.
   */
  record Fallback(String provider, String nativeId, List<UpstreamCredential> keys, String model, long timeoutMs) {}

  private final CredentialPolicy policy;
  private final ProxyRequestAssembler assembler;
  private final long timeoutMs;
  /** The LLM proxy's fallbacks document (JSON, or null) by proxy id. */
  private final Function<String, Future<String>> fallbacksOf;

  ModelRouterHandler(CredentialPolicy policy, ProxyRequestAssembler assembler, long timeoutMs) {
    this(policy, assembler, timeoutMs, proxyId -> Future.succeededFuture(null));
  }

  ModelRouterHandler(CredentialPolicy policy, ProxyRequestAssembler assembler, long timeoutMs,
      Function<String, Future<String>> fallbacksOf) {
    this.policy = policy;
    this.assembler = assembler;
    this.timeoutMs = timeoutMs;
    this.fallbacksOf = fallbacksOf;
  }

  /**
   * The message for the router: a {@link ModelListRequest} for {@code /models}, else a
   * {@link ProxyRequest} for the target provider. Fails with a
   * {@link dev.portcullis.common.error.GatewayException} carrying the error to render (anything
   * else it fails with is a bug).
   *
   * @param model the body's {@code model} when it is a string ({@code null} when it is not, or for
   *              {@code /models}); the body itself is read by the router, never here
   */
  Future<Object> prepare(HttpServerRequest request, Call call, String model, Buffer body) {
    if (call.proxyId == null) {
      return Future.failedFuture(GatewayError.notFound("The model router needs an LLM proxy id in the path: "
          + "/v1/model-router/<llm-proxy-id>" + call.upstreamPath + " (list them with GET /api/admin/llm-proxies).")
          .toException());
    }
    ClientRequest client = ClientRequest.of(request);
    return policy.admitMapped(request, call.proxyId).compose(mapped -> {
      call.effectiveProxyId = mapped.proxyId();
      call.callerKind = Admission.callerKindOf(mapped.principalKind());
      call.callerId = mapped.principalId();
      if (call.route.operation() == Operation.ROUTER_MODELS) {
        return Future.succeededFuture(modelList(mapped, call));
      }
      ProxyRequest first = modelCall(client, call, model, body, mapped);
      return fallbacksOf.apply(mapped.proxyId()).map(document -> {
        call.fallbacks = fallbacks(ModelFallbacks.of(document, model), mapped);
        return first;
      });
    });
  }

  /**
   * The fallbacks the caller can use: each names a known provider and a well-formed model, and
   * the caller has a key for its provider; the others are left out, as a model it could not call.
   */
  private List<Fallback> fallbacks(List<String> models, MappedCredentials mapped) {
    if (models.isEmpty()) {
      return List.of();
    }
    List<Fallback> usable = new ArrayList<>(models.size());
    for (String candidate : models) {
      ModelId id;
      try {
        id = ModelId.parse(candidate);
      } catch (RuntimeException notAModelId) {
        continue;
      }
      ProviderDescriptor provider = Providers.named(id.provider());
      List<UpstreamCredential> keys = provider == null ? List.of()
          : mapped.credentials().getOrDefault(provider.name(), List.of());
      if (!keys.isEmpty() && ModelPathChecks.nativeIdProblem(provider, id.nativeId()) == null) {
        usable.add(new Fallback(provider.name(), id.nativeId(), keys, candidate,
            assembler.timeoutMsOf(provider.name())));
      }
    }
    return List.copyOf(usable);
  }

  private ModelListRequest modelList(MappedCredentials mapped, Call call) {
    Map<String, UpstreamCredential> routable = new LinkedHashMap<>();
    // A model list needs one key per provider: the first mapped.
    mapped.credentials().forEach((provider, keys) -> {
      if (Providers.known(provider)) {
        routable.put(provider, keys.get(0));
      }
    });
    return new ModelListRequest(mapped.proxyId(), call.requestId, routable, timeoutMs);
  }

  /** @throws dev.portcullis.common.error.GatewayException a 400 or 403 saying what is wrong with the model */
  ProxyRequest modelCall(ClientRequest client, Call call, String model, Buffer body, MappedCredentials mapped) {
    ModelId id = ModelId.parse(model);
    ProviderDescriptor provider = Providers.named(id.provider());
    if (provider == null) {
      throw GatewayError.invalidRequest("Unknown provider '" + id.provider() + "' in model '" + model
          + "'. The model router knows: " + String.join(", ", ROUTER_PROVIDERS) + ".", "model").toException();
    }
    String pathProblem = ModelPathChecks.nativeIdProblem(provider, id.nativeId());
    if (pathProblem != null) {
      throw GatewayError.invalidRequest("The model id in '" + model + "' " + pathProblem + ".", "model").toException();
    }
    List<UpstreamCredential> keys = mapped.credentials().getOrDefault(provider.name(), List.of());
    if (keys.isEmpty()) {
      throw GatewayError.of(ErrorKind.PERMISSION, "This " + mapped.owner() + " has no provider key for "
          + provider.name() + ", so model '" + model + "' cannot be used. Map one with the admin API.").toException();
    }
    call.targetProvider = provider.name();
    call.requestedModel = id.nativeId();
    call.routerModel = model;
    call.keys = keys;
    // The client's credential (a virtual key or token) never goes upstream.
    return assembler.assemble(call, client, provider.name(), Admission.granted(mapped.proxyId(), keys),
        id.nativeId(), body);
  }
}
