package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.credential.TokenCredential;
import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.identity.ClientSecretCredentialBuilder;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.azure.AzureOpenAiProviderVerticle;
import dev.portcullis.provider.azure.AzureSettings;
import dev.portcullis.provider.azure.EntraTokenSource;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.File;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Keyless Azure through Microsoft Entra ID, on azure-identity's real code path: a
 * {@code ClientSecretCredential} (msal4j underneath) whose authority host is a local token
 * endpoint. azure-identity and msal4j both refuse an {@code http://} authority ("Authority host
 * must use https scheme"), so the token endpoint is a TLS test upstream with a self-signed
 * certificate that the credential's HTTP client trusts. The test checks the scope msal4j asked
 * for, that the bearer reached Azure instead of an {@code api-key}, and the token cache.
 *
 * <p>The provider verticle is deployed by the test (roles: gateway only) so it can be given this
 * credential; production builds a {@code DefaultAzureCredential} in {@code AzureVerticleFactory}.
 */
class AzureEntraIdTest {

  private static final String TENANT = "7f4c2a8e-1b3d-4e5f-9a6b-0c1d2e3f4a5b";
  private static final String CLIENT_ID = "3e1a7c55-8f2b-4d9e-a6c4-5b7d9e1f3a2c";
  private static final String CLIENT_SECRET = "test-client-secret-value";

  private static Vertx upstreamVertx;
  private static RecordingUpstream azure;
  private static RecordingUpstream login;
  private static SelfSignedCertificate certificate;
  private static PortcullisUnderTest portcullis;
  private static final AtomicInteger issued = new AtomicInteger();
  /** Tokens issued per requested scope over the whole class (msal4j sends "<scope> openid profile offline_access"). */
  private static final Map<String, Integer> issuedByScope = new ConcurrentHashMap<>();
  private static volatile int expiresInSeconds = 3600;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    azure = RecordingUpstream.start(upstreamVertx);
    certificate = SelfSignedCertificate.create("localhost");
    login = RecordingUpstream.start(upstreamVertx, new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setSsl(true).setKeyCertOptions(certificate.keyCertOptions()));
    // msal4j 1.23 with instance discovery off asks only the token endpoint: no OpenID discovery.
    login.onPrefix("POST", "/", (request, body) -> {
      Map<String, String> form = form(body.toString());
      issuedByScope.merge(form.getOrDefault("scope", ""), 1, Integer::sum);
      RecordingUpstream.json(200, new JsonObject()
          .put("token_type", "Bearer")
          .put("expires_in", expiresInSeconds)
          .put("ext_expires_in", expiresInSeconds)
          .put("access_token", "entra-token-" + issued.incrementAndGet())
          .encode()).respond(request, body);
    });
    azure.on("POST", "/res/openai/deployments/gpt-4o-prod/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "keyless hello", 3, 2)));
    azure.on("POST", "/foundry/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("grok-3", "keyless v1", 3, 2)));

    portcullis = PortcullisUnderTest.start(Map.of(
        "PORTCULLIS_ROLES", "gateway",
        "ARCHESTRA_AZURE_OPENAI_BASE_URL", azure.baseUrl("/res/openai"),
        "ARCHESTRA_AZURE_OPENAI_ENTRA_ID_ENABLED", "true"));
    var settings = portcullis.portcullis().settings();
    portcullis.portcullis().vertx().deployVerticle(new AzureOpenAiProviderVerticle(AzureSettings.from(settings),
        credential(), ProviderSettings.from(settings), new SimpleMeterRegistry())).await();
  }

  /** The real azure-identity credential, pointed at the local token endpoint over TLS. */
  private static TokenCredential credential() {
    SslContext trustTheTestCertificate;
    try {
      trustTheTestCertificate = SslContextBuilder.forClient()
          .trustManager(new File(certificate.certificatePath())).build();
    } catch (SSLException e) {
      throw new IllegalStateException(e);
    }
    return new ClientSecretCredentialBuilder()
        .tenantId(TENANT)
        .clientId(CLIENT_ID)
        .clientSecret(CLIENT_SECRET)
        .authorityHost("https://localhost:" + login.port() + "/")
        .disableInstanceDiscovery()
        .httpClient(new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
            .secure(spec -> spec.sslContext(trustTheTestCertificate))).build())
        .build();
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    login.close();
    azure.close();
    certificate.delete();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    azure.reset();
    login.reset();
    expiresInSeconds = 3600;
  }

  private static Map<String, String> form(String body) {
    return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
            p -> p.length > 1 ? URLDecoder.decode(p[1], StandardCharsets.UTF_8) : ""));
  }

  private static List<RecordedRequest> tokenRequests() {
    return login.received().stream().filter(r -> r.method().equals("POST")).toList();
  }

  private static Object chat(String model, UpstreamCredential credential) {
    return ProviderBus.call(portcullis.portcullis().vertx(), "azure", "chat.completions", "POST", "/chat/completions",
        ProviderBus.jsonHeaders("Bearer pc-vk-0123456789abcdefghijklmnopqrstuv"),
        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", model, credential);
  }

  @Test
  void serverSideCallsCarryAnEntraTokenForTheCognitiveServicesScopeAndReuseIt() {
    Object first = chat("gpt-4o-prod", UpstreamCredential.SERVER_SIDE);
    Object second = chat("gpt-4o-prod", UpstreamCredential.SERVER_SIDE);

    assertThat(first).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(second).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    List<RecordedRequest> calls = azure.received();
    assertThat(calls).hasSize(2);
    String bearer = calls.get(0).header("Authorization");
    assertThat(bearer).startsWith("Bearer entra-token-");
    assertThat(calls.get(1).header("Authorization")).isEqualTo(bearer);
    assertThat(calls).allSatisfy(call -> {
      assertThat(call.header("api-key")).isNull();
      assertThat(call.path()).isEqualTo("/res/openai/deployments/gpt-4o-prod/chat/completions");
    });
    // One token for this scope over the whole class, whichever test asked first: the rest came from the cache.
    assertThat(issuedFor("https://cognitiveservices.azure.com/.default")).isEqualTo(1);
  }

  private static int issuedFor(String scope) {
    return issuedByScope.entrySet().stream().filter(e -> Arrays.asList(e.getKey().split(" ")).contains(scope))
        .mapToInt(Map.Entry::getValue).sum();
  }

  @Test
  void theTokenRequestIsAClientCredentialsGrantOfTheConfiguredApp() {
    chat("gpt-4o-prod", UpstreamCredential.SERVER_SIDE);
    // The token may come from an earlier test's cache; ask for a scope nobody asked for yet.
    Object reply = chat("grok-3", new UpstreamCredential(null, azure.baseUrl("/foundry/openai/v1"), Map.of()));

    assertThat(reply).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(login.received()).extracting(RecordedRequest::method).containsOnly("POST");
    RecordedRequest token = tokenRequests().get(tokenRequests().size() - 1);
    assertThat(token.path()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
    Map<String, String> form = form(token.bodyText());
    assertThat(form).containsEntry("grant_type", "client_credentials")
        .containsEntry("client_id", CLIENT_ID)
        .containsEntry("client_secret", CLIENT_SECRET);
    assertThat(form.get("scope")).contains("https://ai.azure.com/.default");
    RecordedRequest call = azure.last();
    assertThat(call.path()).isEqualTo("/foundry/openai/v1/chat/completions");
    assertThat(call.header("Authorization")).isEqualTo("Bearer entra-token-" + issued.get());
    assertThat(call.header("api-key")).isNull();
  }

  @Test
  void aKeylessHttpCallerOnThisMachineIsServedWithTheEntraIdentity() throws Exception {
    java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).build().send(java.net.http.HttpRequest.newBuilder()
            .uri(java.net.URI.create(portcullis.providerUrl("azure") + "/chat/completions"))
            .header("Content-Type", "application/json")
            .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"model\":\"gpt-4o-prod\",\"messages\":[]}"))
            .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    RecordedRequest received = azure.last();
    assertThat(received.header("Authorization")).startsWith("Bearer entra-token-");
    assertThat(received.header("api-key")).isNull();
  }

  @Test
  void aClientsOwnKeyStillGoesAsApiKeyWhenEntraIdIsOn() {
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("azure"))
        .apiKey("azure-own-key").maxRetries(0).build();
    try {
      client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("gpt-4o-prod").addUserMessage("hi").build());
    } finally {
      client.close();
    }
    assertThat(azure.last().header("api-key")).isEqualTo("azure-own-key");
    assertThat(azure.last().header("Authorization")).isNull();
    assertThat(tokenRequests()).isEmpty();
  }

  @Test
  void aTokenCloseToExpiryIsFetchedAgain() {
    // A fresh credential and source: nothing cached anywhere yet.
    expiresInSeconds = 120;
    Vertx vertx = portcullis.portcullis().vertx();
    EntraTokenSource source = new EntraTokenSource(vertx, credential(), Clock.systemUTC());
    String scope = "https://refresh-test.example/.default";

    String first = source.token(scope).await();
    String second = source.token(scope).await();

    // Two minutes left is inside the refresh margin: both the source and msal4j fetch anew.
    assertThat(first).isNotEqualTo(second);
    assertThat(issuedFor(scope)).isEqualTo(2);
  }
}
