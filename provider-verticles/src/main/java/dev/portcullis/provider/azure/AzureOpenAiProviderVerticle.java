package dev.portcullis.provider.azure;

import dev.portcullis.provider.usage.UsageFormat;
import com.azure.core.credential.TokenCredential;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.provider.ModelListRefusal;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.UpstreamCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.regex.Pattern;

/**
 * Azure AI Foundry (Azure OpenAI) at {@code /v1/azure[/{id}]}: OpenAI's Chat Completions and
 * Responses, the request's {@code model} naming the deployment, and the deployment list.
 *
 * <p>Classic resource URLs get the deployment in the path and a dated {@code api-version}; Foundry
 * v1 URLs get OpenAI's paths as they are. Bodies are never rewritten, except a classic resource's
 * deployment list, answered in OpenAI's model-list format ({@link AzureDeploymentList}). Keys go upstream in
 * {@code api-key} (a client's {@code Authorization: Bearer <key>} is moved there, since clients are
 * told to send their Azure key as OpenAI clients do); with Entra ID enabled, server-side calls carry
 * {@code Authorization: Bearer <Entra token>} instead.
 */
public final class AzureOpenAiProviderVerticle extends ProviderVerticle {

  /** Azure deployment names: letters, digits, '-', '_' and '.'; anything else would change the path. */
  private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private static final String NOT_CONFIGURED = "Azure AI Foundry is not configured: set " + AzureSettings.BASE_URL
      + " to https://<resource-name>.openai.azure.com/openai or https://<resource-name>.services.ai.azure.com/openai/v1,"
      + " or add an Azure provider key with a base URL.";

  private final AzureSettings settings;
  private final TokenCredential entraCredential;
  private EntraTokenSource tokens;

  /**
   * @param entraCredential the Entra ID identity for server-side calls ({@code DefaultAzureCredential}
   *                        in production), or {@code null} when Entra ID is off
   */
  public AzureOpenAiProviderVerticle(AzureSettings settings, TokenCredential entraCredential,
      ProviderSettings options, MeterRegistry registry) {
    super(NativeProviders.AZURE, options, registry);
    if (settings.entraIdEnabled() && entraCredential == null) {
      throw new IllegalArgumentException("Entra ID is enabled but no credential was given");
    }
    this.settings = settings;
    this.entraCredential = entraCredential;
  }

  @Override
  public Future<?> start() {
    if (entraCredential != null) {
      tokens = new EntraTokenSource(vertx, entraCredential, Clock.systemUTC());
    }
    return super.start();
  }

  @Override
  protected Future<UpstreamCall> prepare(ProxyRequest request) {
    UpstreamCredential credential = request.credential();
    AzureEndpoint endpoint = endpointFor(request, credential);
    Operation operation = Operation.named(request.operation());
    String url = operation == null ? null : switch (operation) {
      case CHAT_COMPLETIONS -> endpoint.kind() == AzureEndpoint.Kind.CLASSIC
          ? endpoint.baseUrl() + "/deployments/" + deployment(request) + "/chat/completions"
              + versionQuery(settings.apiVersion(), request.query())
          : endpoint.baseUrl() + request.path() + plainQuery(request.query());
      case RESPONSES -> endpoint.kind() == AzureEndpoint.Kind.CLASSIC
          ? endpoint.baseUrl() + "/responses" + versionQuery(settings.responsesApiVersion(), request.query())
          : endpoint.baseUrl() + request.path() + plainQuery(request.query());
      case MODELS -> endpoint.kind() == AzureEndpoint.Kind.CLASSIC
          ? endpoint.baseUrl() + "/deployments" + versionQuery(settings.apiVersion(), request.query())
          : endpoint.baseUrl() + "/models" + plainQuery(request.query());
      default -> null;
    };
    if (url == null) {
      throw GatewayError.notFound("Azure AI Foundry does not offer " + request.operation() + ".").toException();
    }
    // The request's headers may be shared with the gateway in this JVM: change a copy.
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    if (credential == null) {
      moveBearerKeyToApiKey(headers);
      return call(request, url, headers);
    }
    headers.remove("Authorization");
    headers.remove("api-key");
    credential.extraHeaders().forEach(headers::set);
    if (credential.hasApiKey()) {
      headers.set("api-key", credential.apiKey());
      return call(request, url, headers);
    }
    if (settings.entraIdEnabled()) {
      return tokens.token(endpoint.entraScope())
          .recover(err -> Future.failedFuture(entraFailure(endpoint, err)))
          .compose(token -> {
            headers.set("Authorization", "Bearer " + token);
            return call(request, url, headers);
          });
    }
    if (credential.serverSide() && settings.defaultKey() != null) {
      headers.set("api-key", settings.defaultKey());
      return call(request, url, headers);
    }
    throw GatewayError.of(ErrorKind.AUTHENTICATION, "No Azure API key: send your key as 'Authorization: Bearer <key>',"
        + " set " + NativeProviders.AZURE.defaultKeySetting() + ", or enable Microsoft Entra ID with "
        + NativeProviders.AZURE.serverIdentity().setting() + "=true.").toException();
  }

  /**
   * The model list comes from the base URL (where deployments are discovered); calls go to the
   * credential's URL when it has one (a provider key's inference URL).
   */
  private AzureEndpoint endpointFor(ProxyRequest request, UpstreamCredential credential) {
    String credentialUrl = credential == null ? null : credential.baseUrl();
    AzureEndpoint fromCredential = credentialUrl == null ? null : credentialEndpoint(credentialUrl);
    AzureEndpoint chosen = is(request, Operation.MODELS)
        ? (settings.endpoint() != null ? settings.endpoint() : fromCredential)
        : (fromCredential != null ? fromCredential : settings.endpoint());
    if (chosen == null) {
      throw GatewayError.notFound(NOT_CONFIGURED).toException();
    }
    return chosen;
  }

  private static AzureEndpoint credentialEndpoint(String url) {
    try {
      return AzureEndpoint.of(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    } catch (IllegalArgumentException e) {
      throw GatewayError.invalidRequest("The Azure provider key's base URL is not usable: " + e.getMessage(), null)
          .toException();
    }
  }

  private static String deployment(ProxyRequest request) {
    String model = request.model();
    if (model == null || !DEPLOYMENT.matcher(model).matches()) {
      throw GatewayError.invalidRequest(model == null
          ? "Name the Azure deployment in the request's model field."
          : "'" + model + "' is not an Azure deployment name (letters, digits, '-', '_' and '.').", "model")
          .toException();
    }
    return model;
  }

  /** Our api-version, then whatever else the client put in the query. */
  private static String versionQuery(String apiVersion, String clientQuery) {
    StringBuilder query = new StringBuilder("?api-version=").append(apiVersion);
    if (clientQuery != null) {
      for (String pair : clientQuery.split("&")) {
        if (!pair.isEmpty() && !pair.startsWith("api-version=") && !pair.equals("api-version")) {
          query.append('&').append(pair);
        }
      }
    }
    return query.toString();
  }

  private static String plainQuery(String clientQuery) {
    return clientQuery == null ? "" : "?" + clientQuery;
  }

  /** Clients send their Azure key as OpenAI clients do ({@code Authorization: Bearer}); Azure reads {@code api-key}. */
  private static void moveBearerKeyToApiKey(MultiMap headers) {
    String authorization = headers.get("Authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      headers.remove("Authorization");
      if (!headers.contains("api-key")) {
        headers.set("api-key", authorization.substring(7).trim());
      }
    }
  }

  private static Future<UpstreamCall> call(ProxyRequest request, String url, MultiMap headers) {
    return Future.succeededFuture(new UpstreamCall(request.method(), url, headers, request.body()));
  }

  private static GatewayException entraFailure(AzureEndpoint endpoint, Throwable err) {
    // azure-identity's messages can be long and name local paths; the class says enough.
    return GatewayError.of(ErrorKind.UPSTREAM_UNREACHABLE, "Could not get a Microsoft Entra ID token for scope "
        + endpoint.entraScope() + " (" + err.getClass().getSimpleName() + "). Check the workload identity, managed"
        + " identity, service principal or Azure CLI login that DefaultAzureCredential uses.").toException();
  }

  /**
   * A classic resource lists deployments in Azure's own shape; OpenAI SDKs call this route, so it
   * is answered in OpenAI's model-list format. Foundry v1 already answers OpenAI's format.
   */
  @Override
  protected Buffer rewriteAnswer(ProxyRequest request, Buffer body) {
    if (is(request, Operation.MODELS)
        && endpointFor(request, request.credential()).kind() == AzureEndpoint.Kind.CLASSIC) {
      return AzureDeploymentList.toOpenAiModels(body);
    }
    return body;
  }

  @Override
  protected GatewayError replaceUpstreamError(ProxyRequest request, UpstreamCall call, int status) {
    if (!is(request, Operation.MODELS)) {
      return null;
    }
    return ModelListRefusal.of(name(), call.url(), status,
        "https://<resource-name>.openai.azure.com/openai or https://<resource-name>.services.ai.azure.com/openai/v1");
  }

  @Override
  protected UsageFormat usage() {
    return UsageFormat.OPENAI;
  }
}
