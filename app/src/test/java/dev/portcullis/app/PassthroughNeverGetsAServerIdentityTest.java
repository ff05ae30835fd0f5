package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.anthropic.AnthropicSettings;
import dev.portcullis.provider.anthropic.AnthropicProviderVerticle;
import dev.portcullis.provider.anthropic.FoundryEntraTokenSource;
import dev.portcullis.provider.azure.AzureOpenAiProviderVerticle;
import dev.portcullis.provider.azure.AzureSettings;
import dev.portcullis.provider.bedrock.BedrockProviderVerticle;
import dev.portcullis.provider.cohere.CohereSettings;
import dev.portcullis.provider.cohere.CohereProviderVerticle;
import dev.portcullis.provider.compat.OpenAiCompatibleProviderVerticle;
import dev.portcullis.provider.gemini.GeminiProviderVerticle;
import dev.portcullis.provider.gemini.VertexAiEndpoint;
import dev.portcullis.testkit.GoogleTokenEndpoint;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Issue 10, point 1, the provider side: a provider verticle never lends a server identity (Vertex
 * AI's service account, Bedrock's AWS identity, an Entra ID token, an org default key, a keyless
 * Ollama or vLLM) to a passthrough call, even when a bus client sends one straight to it, skipping
 * the gateway's rules. Each test sends the {@link ProxyRequest} on the bus as such a rogue client
 * would and checks the answer (a 401 that says what to send) and that nothing reached the
 * upstream; a server-side call shows the identity was there to be lent.
 */
@Timeout(30)
class PassthroughNeverGetsAServerIdentityTest {

  private static final String ENTRA_TOKEN = "entra-server-token-do-not-lend";
  private static final String COHERE_DEFAULT_KEY = "cohere-org-default-key-do-not-lend";
  private static final String AWS_ACCESS_KEY = "AKIDSERVERIDENTITY";
  private static final DeliveryOptions SHORT = new DeliveryOptions().setSendTimeout(5_000);

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static GoogleTokenEndpoint googleTokens;
  private static Path credentialsDir;
  private static Vertx vertx;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.onPrefix("POST", "/", RecordingUpstream.json(200, "{}"));
    upstream.onPrefix("GET", "/", RecordingUpstream.json(200, "{\"publisherModels\":[],\"data\":[]}"));
    googleTokens = GoogleTokenEndpoint.start(upstreamVertx, 3600);
    credentialsDir = Files.createTempDirectory("vertex-credentials");
    Path serviceAccount = googleTokens.writeServiceAccountFile(credentialsDir.resolve("service-account.json"));

    vertx = Vertx.vertx();
    ProviderSettings options = new ProviderSettings(10_000, 2_000);
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Settings settings = new Settings(new JsonObject()
        .put(NativeProviders.GEMINI.serverIdentity().setting(), "true").put(VertexAiEndpoint.PROJECT, "server-project")
        .put(VertexAiEndpoint.LOCATION, "europe-west4").put(VertexAiEndpoint.CREDENTIALS_FILE, serviceAccount.toString())
        .put(VertexAiEndpoint.BASE_URL, upstream.baseUrl("/vertex"))
        .put("ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl("/bedrock"))
        .put("ARCHESTRA_BEDROCK_IAM_AUTH_ENABLED", "true").put("ARCHESTRA_BEDROCK_REGION", "eu-central-1")
        .put("ARCHESTRA_OLLAMA_BASE_URL", upstream.baseUrl("/ollama/v1"))
        .put("ARCHESTRA_VLLM_BASE_URL", upstream.baseUrl("/vllm/v1"))
        .put(AzureSettings.BASE_URL, upstream.baseUrl("/azure/openai"))
        .put(NativeProviders.AZURE.serverIdentity().setting(), "true"));
    TokenCredential entra = request -> Mono.just(new AccessToken(ENTRA_TOKEN, OffsetDateTime.now().plusHours(1)));
    vertx.deployVerticle(new GeminiProviderVerticle(settings, options, registry)).await();
    vertx.deployVerticle(new BedrockProviderVerticle(settings, options, registry, StaticCredentialsProvider.create(
        AwsSessionCredentials.create(AWS_ACCESS_KEY, "server-secret-key", "server-session-token")))).await();
    vertx.deployVerticle(new OpenAiCompatibleProviderVerticle(Providers.require("ollama"), settings, options,
        registry)).await();
    vertx.deployVerticle(new OpenAiCompatibleProviderVerticle(Providers.require("vllm"), settings, options,
        registry)).await();
    vertx.deployVerticle(new AzureOpenAiProviderVerticle(AzureSettings.from(settings), entra, options, registry))
        .await();
    vertx.deployVerticle(new AnthropicProviderVerticle(new AnthropicSettings(upstream.baseUrl("/foundry/anthropic"),
        null, true), new FoundryEntraTokenSource(entra), options, registry)).await();
    vertx.deployVerticle(new CohereProviderVerticle(new CohereSettings(upstream.baseUrl("/cohere"), COHERE_DEFAULT_KEY),
        options, registry)).await();
  }

  @AfterAll
  static void stop() throws Exception {
    vertx.close().await();
    googleTokens.close();
    upstream.close();
    upstreamVertx.close().await();
    try (var files = Files.list(credentialsDir)) {
      for (Path file : files.toList()) {
        Files.delete(file);
      }
    }
    Files.delete(credentialsDir);
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static Object send(String provider, String operation, String method, String path, MultiMap headers,
      String model, UpstreamCredential credential) {
    ProxyRequest request = ProxyRequest.builder().provider(provider).operation(operation).method(method).path(path)
        .headers(headers).body(Buffer.buffer(method.equals("GET") ? "" : "{\"messages\":[]}")).credential(credential)
        .requestId("rogue-" + System.nanoTime()).model(model).timeoutMs(10_000).build();
    return vertx.eventBus().request(Addresses.provider(provider), request, SHORT).await().body();
  }

  private static MultiMap headers(String name, String value) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    if (name != null) {
      headers.add(name, value);
    }
    return headers;
  }

  /** The refusal: a 401 in no particular format yet (the gateway renders it) that says what to send. */
  private static void assertRefusedWithAdvice(Object reply) {
    assertThat(reply).isInstanceOfSatisfying(GatewayError.class, error -> {
      assertThat(error.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(error.message()).contains("virtual key").contains("access token").contains("trusted network");
    });
    assertThat(upstream.received()).as("nothing may reach the upstream").isEmpty();
  }

  @Test
  void vertexAiNeverGivesItsServiceAccountTokenToAJunkKey() {
    assertRefusedWithAdvice(send("gemini", "generateContent", "POST", "/v1beta/models/gemini-2.5-flash:generateContent",
        headers("x-goog-api-key", "x"), "gemini-2.5-flash", null));
    assertRefusedWithAdvice(send("gemini", "models", "GET", "/v1beta/models", headers(null, null), null, null));

    Object served = send("gemini", "generateContent", "POST", "/v1beta/models/gemini-2.5-flash:generateContent",
        headers(null, null), "gemini-2.5-flash", UpstreamCredential.SERVER_SIDE);
    assertThat(served).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + GoogleTokenEndpoint.accessToken(1));
  }

  @Test
  void bedrockNeverSignsAPassthroughCallWithTheServersAwsIdentity() {
    assertRefusedWithAdvice(send("bedrock", "converse", "POST", "/model/amazon.nova-pro-v1%3A0/converse",
        headers("x-api-key", "x"), "amazon.nova-pro-v1:0", null));
    assertRefusedWithAdvice(send("bedrock", "models", "GET", "/models", headers(null, null), null, null));

    Object served = send("bedrock", "converse", "POST", "/model/amazon.nova-pro-v1%3A0/converse", headers(null, null),
        "amazon.nova-pro-v1:0", UpstreamCredential.SERVER_SIDE);
    assertThat(served).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(upstream.last().header("Authorization")).startsWith("AWS4-HMAC-SHA256 Credential=" + AWS_ACCESS_KEY);
  }

  @Test
  void aBedrockCallersOwnApiKeyStillPassesThrough() {
    Object served = send("bedrock", "converse", "POST", "/model/amazon.nova-pro-v1%3A0/converse",
        headers("Authorization", "Bearer callers-own-bedrock-key"), "amazon.nova-pro-v1:0", null);

    assertThat(served).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer callers-own-bedrock-key");
  }

  @Test
  void keylessOllamaAndVllmAreNotCalledForAPassthroughCallWithoutABearerKey() {
    assertRefusedWithAdvice(send("ollama", "chat.completions", "POST", "/chat/completions",
        headers("x-api-key", "junk"), "llama3", null));
    assertRefusedWithAdvice(send("vllm", "chat.completions", "POST", "/chat/completions",
        headers("x-goog-api-key", "junk"), "llama3", null));

    Object served = send("ollama", "chat.completions", "POST", "/chat/completions", headers(null, null), "llama3",
        UpstreamCredential.SERVER_SIDE);
    assertThat(served).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(upstream.last().path()).isEqualTo("/ollama/v1/chat/completions");
  }

  @Test
  void entraTokensAndOrgDefaultKeysNeverTravelWithAPassthroughCall() {
    send("azure", "chat.completions", "POST", "/chat/completions", headers("x-api-key", "junk"), "gpt-4o", null);
    send("anthropic", "messages", "POST", "/v1/messages", headers("x-goog-api-key", "junk"), "claude", null);
    send("cohere", "chat", "POST", "/v2/chat", headers("x-api-key", "junk"), "command-r", null);

    // Whatever each upstream answers the caller, none of them got a credential of the server's.
    assertThat(upstream.received()).hasSize(3).allSatisfy(received -> {
      assertThat(received.headers().entries()).noneSatisfy(header ->
          assertThat(header.getValue()).containsAnyOf(ENTRA_TOKEN, COHERE_DEFAULT_KEY));
    });
    // ...while a server-side call does get them: the test would see a leak.
    send("azure", "chat.completions", "POST", "/chat/completions", headers(null, null), "gpt-4o",
        UpstreamCredential.SERVER_SIDE);
    RecordedRequest azure = upstream.last();
    assertThat(azure.header("Authorization")).isEqualTo("Bearer " + ENTRA_TOKEN);
  }
}
