package dev.portcullis.common.provider;

import dev.portcullis.common.error.format.ApiErrorFormat;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything Portcullis knows about one provider, in one place: what the gateway serves for it,
 * whose keys it takes and where, what identity the server holds for it, how its streams are framed
 * and how the model router reaches it. Every module reads providers through {@link Providers}; no
 * module keeps a list of provider names of its own.
 *
 * <p>Native providers are declared in {@link NativeProviders}; OpenAI-compatible ones are one entry
 * each in {@link OpenAiCompatibleProviders} and get their descriptor from {@link #openAiCompatible}.
 *
 * @param name              the route, bus and model-id name ({@code anthropic}); {@code /v1/<name>/...}
 * @param displayName       the provider's name in messages ({@code Anthropic})
 * @param errorFormat       how the provider's API spells an error, used for every error Portcullis answers on its routes
 * @param routes            the routes served under {@code /v1/<name>[/{llm-proxy-id}]}
 * @param clientKeyHeaders  where this API's clients put their key (lower case), in the order they are read
 * @param serverIdentity    the identity Portcullis holds for the provider, or {@code null} when it has none
 * @param defaultKeySetting the setting of the organisation-wide default key ({@code ARCHESTRA_CHAT_<P>_API_KEY})
 * @param accountSelectors  what, besides the key, picks an upstream account: dropped whenever Portcullis supplies the credential
 * @param streamFraming     how a streamed answer is framed on the wire
 * @param requestIdHeader   the upstream answer's header naming the provider's request id, or {@code null}
 * @param answersNameTheirId whether the provider's answers carry their own id; when not, the model
 *                          router uses {@code requestIdHeader}'s value as the completion id
 * @param routerRole        how the model router reaches the provider
 * @param servesResponses   whether the provider serves OpenAI's Responses API itself
 * @param chatEndpoint      for a translated provider, the native chat endpoint for a model; {@code null} otherwise
 * @param modelList         the model listing the router calls, asking for the largest page the API allows
 * @param modelPlacement    where the upstream URL puts the model, which decides the checks on model ids
 * @param listedModelPrefix a prefix the provider's own model list puts before ids ({@code models/}),
 *                          accepted and dropped where an id goes into a path; {@code null} when none
 * @param compatible        the table entry of an OpenAI-compatible provider, {@code null} for a native one
 * @param verticleFactory   for a native provider, the class (in {@code provider-verticles}) that makes its verticle
 * @param translator        for a translated provider, the class (in {@code router-service}) of its chat translator
 */
public record ProviderDescriptor(
    String name,
    String displayName,
    ApiErrorFormat errorFormat,
    List<ProviderRoute> routes,
    List<String> clientKeyHeaders,
    ServerIdentity serverIdentity,
    String defaultKeySetting,
    AccountSelectors accountSelectors,
    StreamFraming streamFraming,
    String requestIdHeader,
    boolean answersNameTheirId,
    RouterRole routerRole,
    boolean servesResponses,
    NativeEndpoint.Chat chatEndpoint,
    NativeEndpoint modelList,
    ModelPlacement modelPlacement,
    String listedModelPrefix,
    OpenAiCompatibleSpec compatible,
    String verticleFactory,
    String translator) {

  public ProviderDescriptor {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(errorFormat, "errorFormat");
    routes = List.copyOf(routes);
    clientKeyHeaders = List.copyOf(clientKeyHeaders);
    Objects.requireNonNull(accountSelectors, "accountSelectors");
    Objects.requireNonNull(streamFraming, "streamFraming");
    Objects.requireNonNull(routerRole, "routerRole");
    Objects.requireNonNull(modelList, "modelList");
    Objects.requireNonNull(modelPlacement, "modelPlacement");
    if (routerRole == RouterRole.TRANSLATED && (chatEndpoint == null || translator == null)) {
      throw new IllegalArgumentException(name + ": a translated provider names its chat endpoint and translator");
    }
    if ((compatible == null) == (verticleFactory == null)) {
      throw new IllegalArgumentException(name + ": a provider is either OpenAI-compatible or names its verticle");
    }
    for (ProviderRoute route : routes) {
      if (!route.provider().equals(name)) {
        throw new IllegalArgumentException(name + ": route " + route.path() + " belongs to " + route.provider());
      }
    }
  }

  /**
   * The model id as it goes into an upstream path: without the prefix the provider's own model
   * list puts before ids, so that either spelling names the same model.
   */
  public String modelIdInPath(String modelId) {
    return listedModelPrefix != null && modelId.startsWith(listedModelPrefix)
        ? modelId.substring(listedModelPrefix.length()) : modelId;
  }

  /** Whether a route of this provider serves the operation. */
  public boolean offers(Operation operation) {
    return routes.stream().anyMatch(route -> route.operation() == operation);
  }

  /** The descriptor of an OpenAI-compatible provider, from its table entry. */
  public static ProviderDescriptor openAiCompatible(OpenAiCompatibleSpec spec) {
    Builder builder = builder(spec.name(), spec.displayName(), OpenAiErrorFormat.INSTANCE)
        .clientKeyHeaders("authorization")
        .defaultKeySetting(spec.defaultKeySetting())
        .accountSelectors(spec.accountSelectors())
        .requestIdHeader(spec.requestIdHeader())
        .routerRole(RouterRole.OPENAI_COMPATIBLE)
        .servesResponses(spec.operations().contains(Operation.RESPONSES))
        .compatible(spec);
    if (spec.keyless()) {
      builder.serverIdentity(ServerIdentity.keylessServer("keyless " + spec.displayName() + " server"));
    }
    for (Operation operation : spec.operations()) {
      String path = OpenAiCompatibleSpec.PATHS.get(operation);
      if (operation == Operation.MODELS) {
        builder.get(path, operation);
      } else {
        builder.jsonPost(path, operation);
      }
    }
    return builder.build();
  }

  public static Builder builder(String name, String displayName, ApiErrorFormat errorFormat) {
    return new Builder(name, displayName, errorFormat);
  }

  /** Builds a descriptor; routes added through it belong to the provider and use its error format. */
  public static final class Builder {

    private final String name;
    private final String displayName;
    private final ApiErrorFormat errorFormat;
    private final List<ProviderRoute> routes = new ArrayList<>();
    private List<String> clientKeyHeaders = List.of("authorization");
    private ServerIdentity serverIdentity;
    private String defaultKeySetting;
    private AccountSelectors accountSelectors = AccountSelectors.NONE;
    private StreamFraming streamFraming = StreamFraming.SSE;
    private String requestIdHeader;
    private boolean answersNameTheirId = true;
    private RouterRole routerRole = RouterRole.OPENAI_COMPATIBLE;
    private boolean servesResponses;
    private NativeEndpoint.Chat chatEndpoint;
    private NativeEndpoint modelList = new NativeEndpoint(Operation.MODELS, "/models", null);
    private ModelPlacement modelPlacement = ModelPlacement.BODY;
    private String listedModelPrefix;
    private OpenAiCompatibleSpec compatible;
    private String verticleFactory;
    private String translator;

    private Builder(String name, String displayName, ApiErrorFormat errorFormat) {
      this.name = name;
      this.displayName = displayName;
      this.errorFormat = errorFormat;
    }

    /** A route, with every detail spelled out. */
    public Builder route(String method, String path, Operation operation, boolean jsonBody, StreamMode streamMode,
        String modelField, String modelParam) {
      routes.add(new ProviderRoute(name, method, path, operation, jsonBody, streamMode, modelField, modelParam,
          errorFormat));
      return this;
    }

    /** A JSON POST route whose body names the model in {@code model} and asks for a stream with {@code stream}. */
    public Builder jsonPost(String path, Operation operation) {
      routes.add(ProviderRoute.jsonPost(name, path, operation, errorFormat));
      return this;
    }

    /** A GET route without a body. */
    public Builder get(String path, Operation operation) {
      routes.add(ProviderRoute.get(name, path, operation, errorFormat));
      return this;
    }

    public Builder clientKeyHeaders(String... headers) {
      this.clientKeyHeaders = List.of(headers);
      return this;
    }

    public Builder serverIdentity(ServerIdentity identity) {
      this.serverIdentity = identity;
      return this;
    }

    public Builder defaultKeySetting(String setting) {
      this.defaultKeySetting = setting;
      return this;
    }

    public Builder accountSelectors(AccountSelectors selectors) {
      this.accountSelectors = selectors;
      return this;
    }

    public Builder streamFraming(StreamFraming framing) {
      this.streamFraming = framing;
      return this;
    }

    public Builder requestIdHeader(String header) {
      this.requestIdHeader = header;
      return this;
    }

    /** The provider's answers carry no id of their own (Bedrock): its request id stands in. */
    public Builder answersWithoutId() {
      this.answersNameTheirId = false;
      return this;
    }

    public Builder routerRole(RouterRole role) {
      this.routerRole = role;
      return this;
    }

    public Builder servesResponses(boolean serves) {
      this.servesResponses = serves;
      return this;
    }

    /** Translated by the model router: its chat endpoint and the class of its chat translator. */
    public Builder translated(NativeEndpoint.Chat chat, String translatorClass) {
      this.routerRole = RouterRole.TRANSLATED;
      this.chatEndpoint = chat;
      this.translator = translatorClass;
      return this;
    }

    public Builder modelList(String path, String query) {
      this.modelList = new NativeEndpoint(Operation.MODELS, path, query);
      return this;
    }

    public Builder modelPlacement(ModelPlacement placement) {
      this.modelPlacement = placement;
      return this;
    }

    /** The provider's model list names ids with this prefix ({@code models/}); either spelling is accepted. */
    public Builder listedModelPrefix(String prefix) {
      this.listedModelPrefix = prefix;
      return this;
    }

    private Builder compatible(OpenAiCompatibleSpec spec) {
      this.compatible = spec;
      return this;
    }

    /** The class that makes this native provider's verticle ({@code dev.portcullis.provider.ProviderVerticleFactory}). */
    public Builder verticleFactory(String className) {
      this.verticleFactory = className;
      return this;
    }

    public ProviderDescriptor build() {
      return new ProviderDescriptor(name, displayName, errorFormat, routes, clientKeyHeaders, serverIdentity,
          defaultKeySetting, accountSelectors, streamFraming, requestIdHeader, answersNameTheirId, routerRole,
          servesResponses, chatEndpoint, modelList, modelPlacement, listedModelPrefix, compatible, verticleFactory,
          translator);
    }
  }
}
