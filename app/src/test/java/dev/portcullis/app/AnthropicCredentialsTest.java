package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.netty.NettyAsyncHttpClientBuilder;
import com.azure.identity.ClientSecretCredential;
import com.azure.identity.ClientSecretCredentialBuilder;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.anthropic.AnthropicSettings;
import dev.portcullis.provider.anthropic.AnthropicProviderVerticle;
import dev.portcullis.provider.anthropic.FoundryEntraTokenSource;
import dev.portcullis.testkit.AnthropicWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.File;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Which credential reaches Anthropic (or Claude on Microsoft Foundry) for each kind of
 * {@link UpstreamCredential} the gateway can resolve. The calls go over the event bus to the
 * provider verticle exactly as the gateway sends them, since stored and server-side credentials
 * come from auth-service, not from the client.
 *
 * <p>Entra ID runs the real azure-identity and msal4j code: a {@link ClientSecretCredential} whose
 * authority host is a local HTTPS token endpoint (msal4j refuses an {@code http://} authority:
 * "authority should use the 'https' scheme"), trusted through the credential's own HTTP client.
 */
class AnthropicCredentialsTest {

  private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
  private static final String CLIENT_ID = "0a1b2c3d-0000-4000-8000-00000000abcd";
  private static final String CLIENT_SECRET = "test-client-secret-value";
  private static final String MESSAGE_BODY =
      "{\"model\":\"claude-sonnet-4-5\",\"max_tokens\":16,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

  private Vertx vertx;
  private RecordingUpstream upstream;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    upstream = RecordingUpstream.start(vertx);
    upstream.on("POST", "/anthropic/v1/messages",
        RecordingUpstream.json(200, AnthropicWire.message("claude-sonnet-4-5", "Hi!", 9, 2)));
  }

  @AfterEach
  void stop() {
    upstream.close();
    vertx.close().await();
  }

  private void deploy(AnthropicSettings config, FoundryEntraTokenSource tokens) {
    vertx.deployVerticle(new AnthropicProviderVerticle(config, tokens,
        new ProviderSettings(5_000, 2_000), new SimpleMeterRegistry())).await();
  }

  private Object send(UpstreamCredential credential, MultiMap clientHeaders) {
    ProxyRequest request = ProxyRequest.builder().provider("anthropic").operation("messages").method("POST")
        .path("/v1/messages").headers(clientHeaders).body(Buffer.buffer(MESSAGE_BODY)).credential(credential)
        .requestId("req-test").model("claude-sonnet-4-5").timeoutMs(5_000).build();
    return vertx.eventBus().request(Addresses.provider("anthropic"), request).await().body();
  }

  private String base() {
    return upstream.baseUrl("/anthropic");
  }

  @Test
  void foundryEntraIdTokenFromAzureIdentityReplacesTheKeyAndIsCached() throws Exception {
    SelfSignedCertificate certificate = SelfSignedCertificate.create("localhost");
    RecordingUpstream entra = RecordingUpstream.startTls(vertx, certificate);
    try {
      entra.onPrefix("POST", "/" + TENANT + "/oauth2/v2.0/token", RecordingUpstream.json(200,
          "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
              + "\"access_token\":\"entra-access-token-for-foundry\"}"));
      SslContext trustTestCertificate = SslContextBuilder.forClient()
          .trustManager(new File(certificate.certificatePath())).build();
      ClientSecretCredential credential = new ClientSecretCredentialBuilder()
          .tenantId(TENANT)
          .clientId(CLIENT_ID)
          .clientSecret(CLIENT_SECRET)
          .authorityHost(entra.baseUrl(""))
          .disableInstanceDiscovery()
          .httpClient(new NettyAsyncHttpClientBuilder(reactor.netty.http.client.HttpClient.create()
              .secure(spec -> spec.sslContext(trustTestCertificate))).build())
          .build();
      deploy(new AnthropicSettings(base(), null, true), new FoundryEntraTokenSource(credential));

      MultiMap clientHeaders = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json")
          .add("anthropic-beta", "token-efficient-tools-2025-02-19");
      Object first = send(UpstreamCredential.SERVER_SIDE, clientHeaders);
      Object second = send(UpstreamCredential.SERVER_SIDE, clientHeaders);

      assertThat(first).isInstanceOfSatisfying(ProxyResponse.class, r -> {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.usage().inputTokens()).isEqualTo(9);
      });
      assertThat(second).isInstanceOf(ProxyResponse.class);
      RecordedRequest call = upstream.last();
      assertThat(call.path()).isEqualTo("/anthropic/v1/messages");
      assertThat(call.header("Authorization")).isEqualTo("Bearer entra-access-token-for-foundry");
      assertThat(call.header("x-api-key")).isNull();
      assertThat(call.header("anthropic-version")).isEqualTo("2023-06-01");
      assertThat(call.header("anthropic-beta")).isEqualTo("token-efficient-tools-2025-02-19");
      assertThat(call.bodyText()).isEqualTo(MESSAGE_BODY);

      // One token request for two calls: the token is cached.
      assertThat(entra.received()).hasSize(1);
      RecordedRequest tokenRequest = entra.received().get(0);
      assertThat(tokenRequest.path()).isEqualTo("/" + TENANT + "/oauth2/v2.0/token");
      Map<String, String> form = form(tokenRequest.bodyText());
      assertThat(form).containsEntry("grant_type", "client_credentials")
          .containsEntry("client_id", CLIENT_ID)
          .containsEntry("client_secret", CLIENT_SECRET);
      assertThat(form.get("scope").split(" ")).contains(FoundryEntraTokenSource.SCOPE);
    } finally {
      entra.close();
    }
  }

  @Test
  void aFailedEntraTokenFetchIsA503ThatNamesTheSettingButNoSecret() {
    deploy(new AnthropicSettings(base(), null, true), new FoundryEntraTokenSource(request -> {
      throw new IllegalStateException("AADSTS7000215: Invalid client secret provided " + CLIENT_SECRET);
    }));

    Object reply = send(UpstreamCredential.SERVER_SIDE, MultiMap.caseInsensitiveMultiMap());

    assertThat(reply).isInstanceOfSatisfying(GatewayError.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNAVAILABLE);
      assertThat(e.message()).contains("ARCHESTRA_ANTHROPIC_AZURE_FOUNDRY_ENTRA_ID_ENABLED")
          .doesNotContain(CLIENT_SECRET);
    });
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aStoredKeyGoesAsXApiKeyReplacingTheClientsAuthHeadersAndUsesItsBaseUrl() {
    deploy(new AnthropicSettings("http://127.0.0.1:1", null, false), null);
    MultiMap clientHeaders = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer pc-vk-virtual-key-that-must-not-leave")
        .add("x-api-key", "pc-vk-virtual-key-that-must-not-leave");

    Object reply = send(new UpstreamCredential("sk-ant-stored-key", base(), Map.of("anthropic-beta", "files-api")),
        clientHeaders);

    assertThat(reply).isInstanceOf(ProxyResponse.class);
    RecordedRequest call = upstream.last();
    assertThat(call.headers().getAll("x-api-key")).containsExactly("sk-ant-stored-key");
    assertThat(call.header("Authorization")).isNull();
    assertThat(call.header("anthropic-beta")).isEqualTo("files-api");
  }

  @Test
  void theDefaultKeyIsUsedOnlyForServerSideCredentials() {
    deploy(new AnthropicSettings(base(), "sk-ant-default-key", false), null);

    send(UpstreamCredential.SERVER_SIDE, MultiMap.caseInsensitiveMultiMap());
    assertThat(upstream.last().header("x-api-key")).isEqualTo("sk-ant-default-key");

    // Passthrough: the client's own key, never the default one.
    send(null, MultiMap.caseInsensitiveMultiMap().add("x-api-key", "sk-ant-clients-own"));
    assertThat(upstream.last().header("x-api-key")).isEqualTo("sk-ant-clients-own");
  }

  @Test
  void aServerSideCallWithNoServerSideIdentityIsRefusedWithoutCallingUpstream() {
    deploy(new AnthropicSettings(base(), null, false), null);

    Object reply = send(UpstreamCredential.SERVER_SIDE, MultiMap.caseInsensitiveMultiMap());

    assertThat(reply).isInstanceOfSatisfying(GatewayError.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(e.message()).contains("ARCHESTRA_CHAT_ANTHROPIC_API_KEY");
    });
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void withEntraIdEnabledTheLauncherBuildsTheDefaultCredentialAndAClientsOwnKeyStillPassesThrough() throws Exception {
    try (PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_ANTHROPIC_BASE_URL", base(),
        "ARCHESTRA_ANTHROPIC_AZURE_FOUNDRY_ENTRA_ID_ENABLED", "true",
        "PORTCULLIS_GATEWAY_INSTANCES", "1",
        "PORTCULLIS_PROVIDER_INSTANCES", "1"))) {
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create(portcullis.providerUrl("anthropic") + "/v1/messages"))
              .header("x-api-key", "sk-ant-clients-own").header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(MESSAGE_BODY)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(upstream.last().header("x-api-key")).isEqualTo("sk-ant-clients-own");
      assertThat(upstream.last().header("Authorization")).isNull();
    }
  }

  private static Map<String, String> form(String body) {
    return Arrays.stream(body.split("&")).map(pair -> pair.split("=", 2))
        .collect(Collectors.toMap(p -> URLDecoder.decode(p[0], StandardCharsets.UTF_8),
            p -> p.length < 2 ? "" : URLDecoder.decode(p[1], StandardCharsets.UTF_8), (a, b) -> b));
  }

}
