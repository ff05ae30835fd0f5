package dev.portcullis.provider.gemini;

import dev.portcullis.provider.usage.UsageFormat;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.provider.CredentialRefusal;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.UpstreamCall;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini, in its native format, on Google AI Studio (the default) or Vertex AI.
 *
 * <p>AI Studio: the call goes to {@code <base URL><path>} as the client made it. A passthrough
 * caller's key travels as it came ({@code x-goog-api-key} or {@code ?key=}); a stored key, or the
 * default key {@code ARCHESTRA_CHAT_GEMINI_API_KEY} for a server-side caller, replaces any client
 * key and goes as {@code x-goog-api-key}.
 *
 * <p>Vertex AI: {@code /v1beta/models/{model}:{method}} (or {@code /v1/...}) is rewritten to the project's publisher
 * model URL (see {@link VertexAiEndpoint}) and carries a bearer token from google-auth. Only calls
 * with a credential the gateway resolved (a virtual key, an access token, or the server-side
 * identity it grants keyless callers from trusted networks) get that token; a passthrough call is
 * refused with a 401, since the caller's own key would mean nothing to Vertex AI and the server's
 * identity is not the caller's to use. Bodies are never touched: Vertex AI takes the same
 * GenerateContentRequest. The Vertex model list ({@code publisherModels}) is answered in AI
 * Studio's format ({@link VertexModelList}), with the client's {@code pageSize}/{@code pageToken}.
 */
public final class GeminiProviderVerticle extends ProviderVerticle {

  public static final String BASE_URL = "ARCHESTRA_GEMINI_BASE_URL";
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";

  private static final String KEY_HEADER = "x-goog-api-key";

  /** The model list as the client calls it, in either API version ({@code /v1beta/models}, {@code /v1/models}). */
  private static final Pattern MODELS_PATH = Pattern.compile("/v1(beta)?/models");
  /** A model method: {@code /v1beta/models/gemini-2.5-flash:generateContent}. */
  private static final Pattern MODEL_METHOD =
      Pattern.compile("/v1(?:beta)?/models/([^/:]+):([A-Za-z]+)");

  private final String baseUrl;
  private final String defaultKey;
  private final VertexAiEndpoint vertex;
  private GoogleAccessTokenSource tokens;

  public GeminiProviderVerticle(Settings settings, ProviderSettings options, MeterRegistry registry) {
    super(NativeProviders.GEMINI, options, registry);
    this.baseUrl = settings.url(BASE_URL, DEFAULT_BASE_URL);
    this.defaultKey = settings.string(NativeProviders.GEMINI.defaultKeySetting());
    this.vertex = VertexAiEndpoint.from(settings);
  }

  @Override
  public Future<?> start() {
    if (vertex != null) {
      tokens = new GoogleAccessTokenSource(vertx, vertex.credentialsFile(), Clock.systemUTC());
    }
    return super.start();
  }

  @Override
  protected Future<UpstreamCall> prepare(ProxyRequest request) {
    return vertex != null ? prepareVertex(request) : Future.succeededFuture(prepareAiStudio(request));
  }

  private UpstreamCall prepareAiStudio(ProxyRequest request) {
    UpstreamCredential credential = request.credential();
    String base = credential != null && credential.baseUrl() != null ? credential.baseUrl() : baseUrl;
    String key = null;
    if (credential != null && credential.hasApiKey()) {
      key = credential.apiKey();
    } else if (credential != null && credential.serverSide()) {
      if (defaultKey == null) {
        throw GatewayError.of(ErrorKind.AUTHENTICATION, "No Gemini API key is configured for server-side use: set "
            + NativeProviders.GEMINI.defaultKeySetting() + ", enable Vertex AI, or send your own key in x-goog-api-key.").toException();
      }
      key = defaultKey;
    }
    if (key == null) {
      // Passthrough: the client's key goes as it came, header or query.
      return new UpstreamCall(request.method(), base + request.path() + query(request.query()), request.headers(),
          request.body());
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    headers.remove("Authorization");
    headers.set(KEY_HEADER, key);
    if (credential != null) {
      credential.extraHeaders().forEach(headers::set);
    }
    // The client's ?key= (any spelling) left with the other account selectors (ProviderVerticle).
    return new UpstreamCall(request.method(), base + request.path() + query(request.query()), headers,
        request.body());
  }

  private Future<UpstreamCall> prepareVertex(ProxyRequest request) {
    if (request.credential() == null) {
      // Vertex AI knows only the server's Google identity: a passthrough caller must never get it.
      return Future.failedFuture(CredentialRefusal.passthroughCannotUse(name(),
          "its Google service account (Vertex AI)").toException());
    }
    String fullUrl;
    Matcher modelMethod = MODEL_METHOD.matcher(request.path());
    if (isModelList(request)) {
      // Only the page parameters mean the same to both lists.
      fullUrl = vertex.modelsUrl() + query(VertexModelList.pageQuery(request.query()));
    } else if (modelMethod.matches()) {
      fullUrl = vertex.modelMethodUrl(modelMethod.group(1), modelMethod.group(2)) + query(request.query());
    } else {
      return Future.failedFuture(GatewayError.notFound("Vertex AI mode has no equivalent of " + request.path()
          + ".").toException());
    }
    return tokens.token().map(token -> {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
      headers.remove(KEY_HEADER);
      headers.set("Authorization", "Bearer " + token);
      return new UpstreamCall(request.method(), fullUrl, headers, request.body());
    });
  }

  private boolean isModelList(ProxyRequest request) {
    return vertex != null && MODELS_PATH.matcher(request.path()).matches();
  }

  /** Gemini clients call the model list: Vertex AI's {@code publisherModels} are answered in AI Studio's format. */
  @Override
  protected Buffer rewriteAnswer(ProxyRequest request, Buffer body) {
    return isModelList(request) ? VertexModelList.toGeminiModels(body) : body;
  }

  private static String query(String query) {
    return query == null || query.isEmpty() ? "" : "?" + query;
  }

  /** {@code usageMetadata}, in the answer or the stream's last element (SSE with {@code alt=sse}, a JSON array without). */
  private static final UsageFormat USAGE = UsageFormat.of(
      (request, body) -> GeminiUsageReader.read(body.getBytes()),
      request -> GeminiStreamUsageObserver.of(isSse(request.query())));

  @Override
  protected UsageFormat usage() {
    return USAGE;
  }

  static boolean isSse(String query) {
    return query != null && Arrays.asList(query.split("&")).contains("alt=sse");
  }
}
