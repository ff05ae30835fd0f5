package dev.portcullis.common.provider;

import dev.portcullis.common.error.format.AnthropicErrorFormat;
import dev.portcullis.common.error.format.BedrockErrorFormat;
import dev.portcullis.common.error.format.CohereErrorFormat;
import dev.portcullis.common.error.format.GeminiErrorFormat;
import dev.portcullis.common.error.format.OpenAiErrorFormat;
import dev.portcullis.common.http.PathSegments;
import java.util.List;

/**
 * The providers with an API of their own, or a verticle of their own: one descriptor each. Their
 * code lives in one package per provider ({@code dev.portcullis.provider.<name>} for the verticle,
 * {@code dev.portcullis.router.translate.<name>} for the model router's translator), named here.
 */
public final class NativeProviders {

  /** Gemini's own model list names models {@code models/<id>}. */
  private static final String GEMINI_LISTED_PREFIX = "models/";

  private NativeProviders() {}

  /** Anthropic Messages: {@code /v1/anthropic[/{id}]/v1/...}, the paths the Anthropic SDKs call. */
  public static final ProviderDescriptor ANTHROPIC = ProviderDescriptor
      .builder("anthropic", "Anthropic", AnthropicErrorFormat.INSTANCE)
      .jsonPost("/v1/messages", Operation.MESSAGES)
      // Token counting never streams, whatever the body says.
      .route("POST", "/v1/messages/count_tokens", Operation.MESSAGES_COUNT_TOKENS, true, StreamMode.NEVER, "model",
          null)
      .get("/v1/models", Operation.MODELS)
      .clientKeyHeaders("x-api-key", "authorization")
      .serverIdentity(ServerIdentity.when("ARCHESTRA_ANTHROPIC_AZURE_FOUNDRY_ENTRA_ID_ENABLED",
          "Microsoft Entra ID identity (Claude on Foundry)"))
      .defaultKeySetting("ARCHESTRA_CHAT_ANTHROPIC_API_KEY")
      // Anthropic's API has no request header that picks an organization or workspace (a key belongs
      // to one workspace, docs.anthropic.com/en/api/overview), but every answer names the key's
      // organization in anthropic-organization-id, which a caller using our key must not learn.
      // Claude on Microsoft Foundry sits behind Azure's gateway, whose cross-tenant auxiliary tokens
      // and APIM subscription keys pick a tenant or billed subscription, as for Azure OpenAI.
      .accountSelectors(AccountSelectors.requestHeaders("x-ms-authorization-auxiliary", "Ocp-Apim-Subscription-Key")
          .andResponseHeaders("anthropic-organization-id"))
      .requestIdHeader("request-id")
      .translated((model, stream) -> new NativeEndpoint(Operation.MESSAGES, "/v1/messages", null),
          "dev.portcullis.router.translate.anthropic.AnthropicChatTranslator")
      .modelList("/v1/models", "limit=1000")
      .verticleFactory("dev.portcullis.provider.anthropic.AnthropicVerticleFactory")
      .build();

  /**
   * Azure AI Foundry (Azure OpenAI): {@code /v1/azure[/{id}]/...}, OpenAI's API where the body's
   * {@code model} names the deployment.
   */
  public static final ProviderDescriptor AZURE = ProviderDescriptor
      .builder("azure", "Azure OpenAI", OpenAiErrorFormat.INSTANCE)
      .jsonPost("/chat/completions", Operation.CHAT_COMPLETIONS)
      .jsonPost("/responses", Operation.RESPONSES)
      .get("/models", Operation.MODELS)
      .clientKeyHeaders("api-key", "authorization")
      .serverIdentity(ServerIdentity.when("ARCHESTRA_AZURE_OPENAI_ENTRA_ID_ENABLED", "Microsoft Entra ID identity"))
      // Named after Azure OpenAI (not ARCHESTRA_CHAT_AZURE_API_KEY), as Archestra names it.
      .defaultKeySetting("ARCHESTRA_CHAT_AZURE_OPENAI_API_KEY")
      // OpenAI's organization and project headers (OpenAI SDKs send them when configured;
      // platform.openai.com/docs/api-reference, "Organizations and projects"), Azure Resource
      // Manager's cross-tenant auxiliary tokens (x-ms-authorization-auxiliary,
      // learn.microsoft.com/azure/azure-resource-manager/management/authenticate-multi-tenant) and the
      // subscription key of an API Management gateway in front of the resource (Ocp-Apim-Subscription-Key,
      // which picks the APIM subscription that is billed and limited).
      .accountSelectors(AccountSelectors.requestHeaders("OpenAI-Organization", "OpenAI-Project",
              "x-ms-authorization-auxiliary", "Ocp-Apim-Subscription-Key")
          .andResponseHeaders("openai-organization", "openai-project"))
      .requestIdHeader("x-request-id")
      .routerRole(RouterRole.OPENAI_COMPATIBLE)
      .servesResponses(true)
      .modelPlacement(ModelPlacement.DEPLOYMENT_SEGMENT)
      .verticleFactory("dev.portcullis.provider.azure.AzureVerticleFactory")
      .build();

  /**
   * Cohere v2 chat: {@code /v1/cohere[/{id}]/...}. {@code /v2/chat} is what the Cohere SDKs call;
   * {@code /chat} is the route Archestra documents for Cohere; both are Cohere v2 chat.
   */
  public static final ProviderDescriptor COHERE = ProviderDescriptor
      .builder("cohere", "Cohere", CohereErrorFormat.INSTANCE)
      .jsonPost("/v2/chat", Operation.CHAT)
      .jsonPost("/chat", Operation.CHAT)
      .get("/v1/models", Operation.MODELS)
      .clientKeyHeaders("authorization")
      .defaultKeySetting("ARCHESTRA_CHAT_COHERE_API_KEY")
      // Cohere's API has no header or parameter that picks an organization or billing target
      // besides the key (X-Client-Name only labels the calling application; docs.cohere.com/reference).
      .accountSelectors(AccountSelectors.NONE)
      .translated((model, stream) -> new NativeEndpoint(Operation.CHAT, "/v2/chat", null),
          "dev.portcullis.router.translate.cohere.CohereChatTranslator")
      .modelList("/v1/models", "page_size=1000&endpoint=chat")
      .verticleFactory("dev.portcullis.provider.cohere.CohereVerticleFactory")
      .build();

  /**
   * Gemini: {@code /v1/gemini[/{id}]/v1beta/...}, as the google-genai SDKs call them, and the same
   * under {@code /v1/}, the GA version that newer SDKs (google-genai for Java 2.x) call by default.
   * The model is the path segment before the method; {@code :streamGenerateContent} always streams,
   * in SSE with {@code alt=sse} and as a JSON array without.
   */
  public static final ProviderDescriptor GEMINI = geminiRoutes(ProviderDescriptor
      .builder("gemini", "Gemini", GeminiErrorFormat.INSTANCE))
      .clientKeyHeaders("x-goog-api-key")
      // In Vertex AI mode a Gemini API key is never sent upstream: a call with one could only borrow
      // the server's Google identity.
      .serverIdentity(ServerIdentity.when("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", "Google identity (Vertex AI)")
          .refusingCallersKeys("Gemini runs on Vertex AI here with Portcullis' own Google identity, so Gemini API "
              + "keys are not used."))
      .defaultKeySetting("ARCHESTRA_CHAT_GEMINI_API_KEY")
      // What picks a Google project or principal besides Portcullis' key or token, AI Studio and
      // Vertex AI alike (Google's "system parameters", cloud.google.com/apis/docs/system-parameters):
      // x-goog-user-project and userProject name the project billed and charged quota; key and
      // access_token in the query are a second credential next to ours; X-Goog-AuthUser picks one of
      // several signed-in Google accounts.
      .accountSelectors(AccountSelectors.requestHeaders("x-goog-user-project", "x-goog-authuser")
          .andQueryParameters("key", "access_token", "userProject", "$userProject"))
      .translated(NativeProviders::geminiChat, "dev.portcullis.router.translate.gemini.GeminiChatTranslator")
      .modelList("/v1beta/models", "pageSize=1000")
      .modelPlacement(ModelPlacement.PATH_SEGMENT)
      .listedModelPrefix(GEMINI_LISTED_PREFIX)
      .verticleFactory("dev.portcullis.provider.gemini.GeminiVerticleFactory")
      .build();

  /**
   * Bedrock: {@code /v1/bedrock[/{id}]}. Converse with the model id in the body ({@code /converse})
   * or in the path as the AWS SDKs call it ({@code /model/{modelId}/converse}, the id
   * percent-encoded once), and InvokeModel passed through, whatever its body.
   */
  public static final ProviderDescriptor BEDROCK = ProviderDescriptor
      .builder("bedrock", "Bedrock", BedrockErrorFormat.INSTANCE)
      .route("POST", "/converse", Operation.CONVERSE, true, StreamMode.NEVER, "modelId", null)
      .route("POST", "/converse-stream", Operation.CONVERSE_STREAM, true, StreamMode.ALWAYS, "modelId", null)
      .route("POST", "/model/{modelId}/converse", Operation.CONVERSE, true, StreamMode.NEVER, null, "modelId")
      .route("POST", "/model/{modelId}/converse-stream", Operation.CONVERSE_STREAM, true, StreamMode.ALWAYS, null,
          "modelId")
      // InvokeModel bodies are the model's own format, not always JSON: relayed without a look.
      .route("POST", "/model/{modelId}/invoke", Operation.INVOKE, false, StreamMode.NEVER, null, "modelId")
      .route("POST", "/model/{modelId}/invoke-with-response-stream", Operation.INVOKE_WITH_RESPONSE_STREAM, false,
          StreamMode.ALWAYS, null, "modelId")
      .get("/models", Operation.MODELS)
      .clientKeyHeaders("authorization")
      .serverIdentity(ServerIdentity.when("ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED", "AWS identity (Bedrock IAM)"))
      .defaultKeySetting("ARCHESTRA_CHAT_BEDROCK_API_KEY")
      // What picks an AWS principal besides Portcullis' own key or signature: the parts of a client's
      // SigV4 signature, in headers (X-Amz-Security-Token is a session of the client's principal,
      // X-Amz-Date and X-Amz-Content-Sha256 belong to its signature) or in a presigned query, and
      // the confused-deputy context X-Amz-Source-Account / X-Amz-Source-Arn
      // (docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html). Bedrock's own request
      // options are X-Amzn-Bedrock-* (with an n) and are kept.
      .accountSelectors(AccountSelectors.requestHeaders("x-amz-*")
          .andQueryParameters("X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires",
              "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Security-Token"))
      .streamFraming(StreamFraming.AWS_EVENT_STREAM)
      .requestIdHeader("x-amzn-requestid")
      .answersWithoutId()
      .translated((model, stream) -> {
        String id = PathSegments.encode(model);
        return stream
            ? new NativeEndpoint(Operation.CONVERSE_STREAM, "/model/" + id + "/converse-stream", null)
            : new NativeEndpoint(Operation.CONVERSE, "/model/" + id + "/converse", null);
      }, "dev.portcullis.router.translate.bedrock.BedrockChatTranslator")
      .modelPlacement(ModelPlacement.ARN_SEGMENT)
      .verticleFactory("dev.portcullis.provider.bedrock.BedrockVerticleFactory")
      .build();

  /** Every native provider, in the order their routes are listed. */
  public static List<ProviderDescriptor> all() {
    return List.of(AZURE, ANTHROPIC, COHERE, GEMINI, BEDROCK);
  }

  private static ProviderDescriptor.Builder geminiRoutes(ProviderDescriptor.Builder builder) {
    for (String version : new String[] {"/v1beta", "/v1"}) {
      builder.route("POST", version + "/models/{model}:generateContent", Operation.GENERATE_CONTENT, true,
              StreamMode.NEVER, null, "model")
          .route("POST", version + "/models/{model}:streamGenerateContent", Operation.STREAM_GENERATE_CONTENT, true,
              StreamMode.ALWAYS, null, "model")
          .route("POST", version + "/models/{model}:countTokens", Operation.COUNT_TOKENS, true, StreamMode.NEVER,
              null, "model")
          .get(version + "/models", Operation.MODELS);
    }
    return builder;
  }

  /** Gemini's own list names models {@code models/<id>}; either spelling is accepted. */
  private static NativeEndpoint geminiChat(String model, boolean stream) {
    String id = PathSegments.encode(model.startsWith(GEMINI_LISTED_PREFIX)
        ? model.substring(GEMINI_LISTED_PREFIX.length()) : model);
    return stream
        ? new NativeEndpoint(Operation.STREAM_GENERATE_CONTENT, "/v1beta/models/" + id + ":streamGenerateContent",
            "alt=sse")
        : new NativeEndpoint(Operation.GENERATE_CONTENT, "/v1beta/models/" + id + ":generateContent", null);
  }
}
