package dev.portcullis.gateway.proxy;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.http.ForwardedHeaders;
import dev.portcullis.common.router.ModelListRequest;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.router.RouterOperations;
import dev.portcullis.common.router.RouterProviders;
import dev.portcullis.gateway.auth.ClientCredential;
import dev.portcullis.gateway.auth.CredentialResolver;
import dev.portcullis.gateway.auth.MappedCredentials;
import dev.portcullis.gateway.routes.PathParts;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The gateway's part of the model router ({@code /v1/model-router/{id}/...}): it authenticates the
 * caller (virtual key or access token only), resolves the provider named by the model
 * ({@code <provider>:<native id>}) to the caller's credential for it, and builds the message for
 * {@code portcullis.router.model}. Everything else, rewriting and translation, is the router's.
 */
final class ModelRouterHandler {

  private static final String FORMAT_EXAMPLE = "'<provider>:<model>', for example 'openai:gpt-4o', "
      + "'anthropic:claude-sonnet-4-5' or 'bedrock:amazon.nova-pro-v1:0'";

  private final CredentialResolver credentials;
  private final long timeoutMs;

  ModelRouterHandler(CredentialResolver credentials, long timeoutMs) {
    this.credentials = credentials;
    this.timeoutMs = timeoutMs;
  }

  /**
   * The message for the router: a {@link ModelListRequest} for {@code /models}, else a
   * {@link ProxyRequest} for the target provider. Fails with the error to render.
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
    String presented;
    try {
      presented = ClientCredential.of(request);
    } catch (GatewayException e) {
      return Future.failedFuture(e);
    }
    String clientAddress = credentials.clientAddress(request);
    return credentials.resolveMapped(presented, call.proxyId, clientAddress).compose(mapped -> {
      call.effectiveProxyId = mapped.proxyId();
      if (call.route.operation() == Operation.ROUTER_MODELS) {
        return Future.succeededFuture(modelList(mapped, call));
      }
      return Future.succeededFuture(modelCall(request, call, model, body, mapped));
    });
  }

  private ModelListRequest modelList(MappedCredentials mapped, Call call) {
    Map<String, UpstreamCredential> routable = new LinkedHashMap<>();
    mapped.credentials().forEach((provider, credential) -> {
      if (RouterProviders.supports(provider)) {
        routable.put(provider, credential);
      }
    });
    return new ModelListRequest(mapped.proxyId(), call.requestId, routable, timeoutMs);
  }

  private ProxyRequest modelCall(HttpServerRequest request, Call call, String model, Buffer body,
      MappedCredentials mapped) {
    if (model == null || model.isBlank()) {
      throw GatewayError.invalidRequest("'model' is required and must be a string: use " + FORMAT_EXAMPLE + ".",
          "model").toException();
    }
    int colon = model.indexOf(':');
    if (colon < 0) {
      throw GatewayError.invalidRequest("Model '" + model + "' names no provider. The model router takes "
          + FORMAT_EXAMPLE + "; GET /v1/model-router/<llm-proxy-id>/models lists the models you may use.", "model")
          .toException();
    }
    String provider = model.substring(0, colon);
    String nativeId = model.substring(colon + 1);
    if (!RouterProviders.supports(provider)) {
      throw GatewayError.invalidRequest("Unknown provider '" + provider + "' in model '" + model
          + "'. The model router knows: " + String.join(", ", RouterProviders.ALL) + ".", "model").toException();
    }
    if (nativeId.isBlank()) {
      throw GatewayError.invalidRequest("Model '" + model + "' names no model after the provider: use "
          + FORMAT_EXAMPLE + ".", "model").toException();
    }
    String pathProblem = nativeIdPathProblem(provider, nativeId);
    if (pathProblem != null) {
      throw GatewayError.invalidRequest("The model id in '" + model + "' " + pathProblem + ".", "model").toException();
    }
    UpstreamCredential credential = mapped.credentials().get(provider);
    if (credential == null) {
      throw GatewayError.of(ErrorKind.PERMISSION, "This " + mapped.owner() + " has no provider key for " + provider
          + ", so model '" + model + "' cannot be used. Map one with the admin API.").toException();
    }
    MultiMap headers = ForwardedHeaders.upstream(request.headers());
    // The client's credential (a virtual key or token) never goes upstream.
    ClientCredential.strip(headers);
    return new ProxyRequest(provider, call.route.operation().wireName(), "POST", call.upstreamPath,
        ClientCredential.queryWithoutKey(request.query()), headers, body == null ? Buffer.buffer() : body, credential,
        mapped.proxyId(), call.requestId, nativeId, timeoutMs, null, 0);
  }

  /** Gemini and Bedrock get the native id in their upstream path; the others only in the body. */
  private static String nativeIdPathProblem(String provider, String nativeId) {
    return switch (provider) {
      case "gemini" -> PathParts.problemWithDecoded(
          nativeId.startsWith("models/") ? nativeId.substring("models/".length()) : nativeId, false);
      case "bedrock" -> PathParts.problemWithDecoded(nativeId, true);
      default -> null;
    };
  }
}
