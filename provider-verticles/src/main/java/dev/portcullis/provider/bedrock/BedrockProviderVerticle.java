package dev.portcullis.provider.bedrock;

import dev.portcullis.provider.usage.UsageFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.http.PathSegments;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.ProviderVerticle;
import dev.portcullis.provider.UpstreamCall;
import dev.portcullis.provider.usage.UsageObserver;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Amazon Bedrock in its native formats: Converse and ConverseStream (model id in the path as the
 * AWS SDKs send it, or in the body's {@code modelId}), InvokeModel and its response stream passed
 * through, and the model list from inference profiles. Answers are relayed as they come,
 * ConverseStream's event-stream frames included; see {@link BedrockAuthentication} for how calls
 * authenticate.
 *
 * <p>Bedrock is on only when {@code ARCHESTRA_BEDROCK_BASE_URL} is set; otherwise every route
 * answers 503 saying so.
 */
public final class BedrockProviderVerticle extends ProviderVerticle {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final BedrockEndpoint endpoint;
  private final String defaultKey;
  private final boolean iamEnabled;
  private final AwsCredentialsProvider credentialsProvider;
  private final Settings settings;
  private BedrockAuthentication authentication;
  private InferenceProfileModels models;

  /**
   * @param credentialsProvider the AWS credentials for IAM authentication (the default chain in
   *     production, see {@link AwsCredentialsSource#defaultChain()}); used only when it is enabled
   */
  public BedrockProviderVerticle(Settings settings, ProviderSettings options, MeterRegistry registry,
      AwsCredentialsProvider credentialsProvider) {
    super(NativeProviders.BEDROCK, options, registry);
    this.settings = settings;
    this.endpoint = checkedEndpoint(settings);
    this.defaultKey = settings.string(NativeProviders.BEDROCK.defaultKeySetting());
    this.iamEnabled = iamEnabled(settings);
    this.credentialsProvider = credentialsProvider;
  }

  /**
   * The endpoint, or {@code null} when Bedrock is off, with the settings IAM authentication needs
   * checked: a bad one fails with the {@code SettingsException} naming it.
   */
  static BedrockEndpoint checkedEndpoint(Settings settings) {
    BedrockEndpoint endpoint = BedrockEndpoint.from(settings);
    if (endpoint != null && iamEnabled(settings)) {
      endpoint.requireRegion();
    }
    return endpoint;
  }

  /** IAM authentication is Bedrock's server identity, on when its setting is. */
  private static boolean iamEnabled(Settings settings) {
    return NativeProviders.BEDROCK.serverIdentity().enabledIn(settings);
  }

  @Override
  public Future<?> start() {
    if (endpoint != null) {
      AwsCredentialsSource credentials = iamEnabled
          ? new AwsCredentialsSource(vertx, credentialsProvider, Clock.systemUTC()) : null;
      authentication = new BedrockAuthentication(defaultKey, credentials, endpoint.region(), Clock.systemUTC());
      models = new InferenceProfileModels(endpoint.controlPlaneUrl(), authentication,
          settings.list(InferenceProfileModels.ALLOWED_PROVIDERS), settings.list(InferenceProfileModels.ALLOWED_REGIONS));
    }
    return super.start();
  }

  @Override
  protected Future<ProxyResponse> answerDirectly(ProxyRequest request) {
    if (endpoint == null) {
      return Future.failedFuture(GatewayError.unavailable("Bedrock is not enabled in this deployment: set "
          + BedrockEndpoint.BASE_URL + " to your Bedrock runtime endpoint, such as "
          + "https://bedrock-runtime.us-east-1.amazonaws.com.").toException());
    }
    if (is(request, Operation.MODELS)) {
      return models.list(upstreamClient(), request);
    }
    return null;
  }

  @Override
  protected Future<UpstreamCall> prepare(ProxyRequest request) {
    String path = request.path();
    Buffer body = request.body();
    if (path.equals("/converse") || path.equals("/converse-stream")) {
      // Bedrock refuses unknown fields, so the modelId that picks the path must leave the body.
      String modelId = request.model();
      if (modelId == null || modelId.isEmpty()) {
        return Future.failedFuture(GatewayError.invalidRequest("The body of " + path
            + " must name the model in \"modelId\" (a model id, inference profile id or ARN).", "modelId")
            .toException());
      }
      path = "/model/" + PathSegments.encode(modelId) + path;
      body = withoutModelId(body);
    }
    String url = endpoint.runtimeUrl() + path + (request.query() == null ? "" : "?" + request.query());
    Buffer finalBody = body;
    return authentication.headersFor(request.credential(), request.method(), url, request.headers(), finalBody)
        .map(headers -> new UpstreamCall(request.method(), url, headers, finalBody));
  }

  private static Buffer withoutModelId(Buffer body) {
    try {
      JsonNode json = MAPPER.readTree(body.getBytes());
      ((ObjectNode) json).remove("modelId");
      return Buffer.buffer(MAPPER.writeValueAsBytes(json));
    } catch (JsonProcessingException e) {
      // The gateway parsed it already; this cannot happen for a request that reached us.
      throw GatewayError.invalidRequest("The request body is not a JSON object.", null).toException();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Converse's {@code usage}, or the model's own for InvokeModel, whose token-count headers stand in
   * when the body has none (most models but Anthropic's and Nova's); ConverseStream's
   * {@code metadata} event; InvokeModel streams' invocation metrics (or Anthropic's events).
   */
  static final UsageFormat USAGE = new UsageFormat() {
    @Override
    public Usage read(ProxyRequest request, Buffer body) {
      return BedrockUsageReader.read(body.getBytes()).withModelIfAbsent(modelOf(request));
    }

    @Override
    public Usage read(ProxyRequest request, MultiMap headers, Buffer body) {
      Usage fromBody = read(request, body);
      if (fromBody.known() || !is(request, Operation.INVOKE) || headers == null) {
        return fromBody;
      }
      return BedrockUsageReader.fromHeaders(headers).withModelIfAbsent(modelOf(request));
    }

    @Override
    public UsageObserver observe(ProxyRequest request) {
      return is(request, Operation.CONVERSE_STREAM) ? new ConverseStreamUsageObserver(modelOf(request))
          : is(request, Operation.INVOKE_WITH_RESPONSE_STREAM) ? new InvokeStreamUsageObserver(modelOf(request))
          : UsageObserver.NONE;
    }
  };

  @Override
  protected UsageFormat usage() {
    return USAGE;
  }

  /** The model id as the client named it: a path segment arrives percent-encoded ({@code v1%3A0}). */
  static String modelOf(ProxyRequest request) {
    String model = request.model();
    if (model == null || model.indexOf('%') < 0) {
      return model;
    }
    try {
      return URLDecoder.decode(model.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return model;
    }
  }
}
