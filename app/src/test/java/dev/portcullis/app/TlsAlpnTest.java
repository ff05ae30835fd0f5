package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.gateway.GatewaySettings;
import dev.portcullis.common.tls.TlsFiles;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.BedrockWire;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Http2Metric;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS on the gateway port from PEM files: ALPN gives HTTP/2 to a client that offers {@code h2} and
 * HTTP/1.1 to one that offers only that; a renewed certificate written over the files is served to
 * new connections without a restart, a half-written one is not; a missing or unreadable file stops
 * the start with a message naming its setting.
 */
@Timeout(60)
class TlsAlpnTest {

  @TempDir
  Path dir;

  @Test
  void alpnPicksTheProtocolAndARenewedCertificateIsServedWithoutARestart() throws Exception {
    LoopbackCertificate first = LoopbackCertificate.create("portcullis-first");
    LoopbackCertificate renewed = LoopbackCertificate.create("portcullis-renewed");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    first.writeTo(cert, key);
    Vertx vertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(vertx);
    upstream.on("GET", "/v1/models", RecordingUpstream.json(200, OpenAiWire.models("gpt-4o"),
        Map.of("Connection", "keep-alive", "Keep-Alive", "timeout=5")));
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        TlsFiles.CERT_FILE, cert.toString(),
        TlsFiles.KEY_FILE, key.toString(),
        TlsFiles.RELOAD_INTERVAL, "200"));
    SSLContext trustsBoth = LoopbackCertificate.trusting(first, renewed);
    URI models = URI.create("https://127.0.0.1:" + portcullis.port() + "/v1/openai/models");
    try {
      HttpResponse<String> h2 = get(trustsBoth, HttpClient.Version.HTTP_2, models);
      HttpResponse<String> h1 = get(trustsBoth, HttpClient.Version.HTTP_1_1, models);

      assertThat(h2.statusCode()).isEqualTo(200);
      assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(h2.body()).contains("gpt-4o");
      assertNoHopByHop(h2.headers());
      assertThat(h1.statusCode()).isEqualTo(200);
      assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
      assertThat(servedCertificate(h2)).isEqualTo(first.certificate());
      assertThat(upstream.received()).hasSize(2);

      renewed.writeTo(cert, key);
      HttpResponse<String> afterRenewal = null;
      for (long until = System.currentTimeMillis() + 15_000; System.currentTimeMillis() < until; Thread.sleep(200)) {
        afterRenewal = get(trustsBoth, HttpClient.Version.HTTP_2, models);
        if (servedCertificate(afterRenewal).equals(renewed.certificate())) {
          break;
        }
      }
      assertThat(servedCertificate(afterRenewal)).as("the renewed certificate is served").isEqualTo(renewed.certificate());
      assertThat(afterRenewal.version()).isEqualTo(HttpClient.Version.HTTP_2);

      // A certificate file caught half-written is not taken: the renewed pair stays.
      Files.writeString(cert, "-----BEGIN CERTIFICATE-----\nMIIB\n");
      Thread.sleep(1_000);
      HttpResponse<String> afterGarbage = get(trustsBoth, HttpClient.Version.HTTP_2, models);
      assertThat(afterGarbage.statusCode()).isEqualTo(200);
      assertThat(servedCertificate(afterGarbage)).isEqualTo(renewed.certificate());
    } finally {
      portcullis.close();
      upstream.close();
      vertx.close().await();
    }
  }

  @Test
  void theAwsSdksNettyClientAndOpenAiJavaSpeakHttp2OverTlsByAlpn() throws Exception {
    String model = "us.anthropic.claude-sonnet-4-20250514-v1:0";
    String modelPath = "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0";
    LoopbackCertificate pair = LoopbackCertificate.create("portcullis");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    pair.writeTo(cert, key);
    Vertx vertx = Vertx.vertx();
    RecordingUpstream upstream = RecordingUpstream.start(vertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o", "Hi over h2", 5, 2), Map.of("Connection", "keep-alive")));
    upstream.on("POST", modelPath + "/converse", RecordingUpstream.json(200, BedrockWire.converse("Hello!", 11, 4)));
    PortcullisUnderTest portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl(""),
        "ARCHESTRA_BEDROCK_ALLOWED_PROVIDERS", "anthropic,amazon",
        "ARCHESTRA_BEDROCK_ALLOWED_INFERENCE_REGIONS", "us,global",
        TlsFiles.CERT_FILE, cert.toString(),
        TlsFiles.KEY_FILE, key.toString()));
    X509TrustManager trust = LoopbackCertificate.trustManager(pair);
    String base = "https://127.0.0.1:" + portcullis.port() + "/v1/";
    try {
      // The AWS SDK's Netty client, HTTP/2 chosen by ALPN; only an HTTP/2 stream reports its window.
      List<String> metrics = new CopyOnWriteArrayList<>();
      MetricPublisher recorder = new MetricPublisher() {
        @Override
        public void publish(MetricCollection collection) {
          names(collection, metrics);
        }

        @Override
        public void close() {}
      };
      try (BedrockRuntimeAsyncClient bedrock = BedrockRuntimeAsyncClient.builder()
          .endpointOverride(URI.create(base + "bedrock"))
          .region(Region.US_EAST_1)
          .tokenProvider(StaticTokenProvider.create(() -> "ABSKQmVkcm9ja0FQSUtleS10ZXN0LWtleQ=="))
          .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
          .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2)
              .protocolNegotiation(ProtocolNegotiation.ALPN)
              .tlsTrustManagersProvider(() -> new TrustManager[] {trust}).build())
          .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()).addMetricPublisher(recorder))
          .build()) {
        Message hello = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hi")).build();
        ConverseResponse converse = bedrock.converse(r -> r.modelId(model).messages(hello)).join();
        assertThat(converse.output().message().content().get(0).text()).isEqualTo("Hello!");
      }
      assertThat(metrics).as("the SDK's call went over an HTTP/2 stream")
          .contains(Http2Metric.LOCAL_STREAM_WINDOW_SIZE_IN_BYTES.name());

      // openai-java (OkHttp): HTTP/2 whenever ALPN offers it; the socket says what was chosen.
      RecordingSocketFactory sockets = new RecordingSocketFactory(LoopbackCertificate.trusting(pair).getSocketFactory());
      OpenAIClient openai = OpenAIOkHttpClient.builder().baseUrl(base + "openai").apiKey("sk-tls")
          .sslSocketFactory(sockets).trustManager(trust).maxRetries(0).build();
      try {
        ChatCompletion completion = openai.chat().completions().create(ChatCompletionCreateParams.builder()
            .model("gpt-4o").addUserMessage("Hi").build());
        assertThat(completion.choices().get(0).message().content()).contains("Hi over h2");
      } finally {
        openai.close();
      }
      assertThat(sockets.negotiated()).isNotEmpty().containsOnly("h2");
      assertThat(upstream.received()).hasSize(2);
    } finally {
      portcullis.close();
      upstream.close();
      vertx.close().await();
    }
  }

  private static void names(MetricCollection collection, List<String> into) {
    collection.stream().forEach(record -> into.add(record.metric().name()));
    collection.children().forEach(child -> names(child, into));
  }

  /** Hands out the sockets of {@code delegate}, keeping them to read the protocol ALPN chose. */
  private static final class RecordingSocketFactory extends javax.net.ssl.SSLSocketFactory {
    private final javax.net.ssl.SSLSocketFactory delegate;
    private final List<javax.net.ssl.SSLSocket> sockets = new CopyOnWriteArrayList<>();

    RecordingSocketFactory(javax.net.ssl.SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    List<String> negotiated() {
      return sockets.stream().map(javax.net.ssl.SSLSocket::getApplicationProtocol).toList();
    }

    private java.net.Socket kept(java.net.Socket socket) {
      sockets.add((javax.net.ssl.SSLSocket) socket);
      return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
      return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
      return delegate.getSupportedCipherSuites();
    }

    @Override
    public java.net.Socket createSocket(java.net.Socket s, String host, int port, boolean autoClose)
        throws java.io.IOException {
      return kept(delegate.createSocket(s, host, port, autoClose));
    }

    @Override
    public java.net.Socket createSocket() throws java.io.IOException {
      return kept(delegate.createSocket());
    }

    @Override
    public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
      return kept(delegate.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
        throws java.io.IOException {
      return kept(delegate.createSocket(host, port, local, localPort));
    }

    @Override
    public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
      return kept(delegate.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress local,
        int localPort) throws java.io.IOException {
      return kept(delegate.createSocket(address, port, local, localPort));
    }
  }

  @Test
  void aMissingOrUnusableFileIsAStartUpErrorNamingItsSetting() throws Exception {
    LoopbackCertificate pair = LoopbackCertificate.create("portcullis");
    Path cert = dir.resolve("tls.crt");
    Path key = dir.resolve("tls.key");
    pair.writeTo(cert, key);
    Path missing = dir.resolve("missing.pem");
    Path junk = Files.writeString(dir.resolve("junk.pem"), "not a pem file");

    assertThat(settingNamedBy(Map.of(TlsFiles.CERT_FILE, missing.toString(), TlsFiles.KEY_FILE, key.toString())))
        .isEqualTo(TlsFiles.CERT_FILE);
    assertThat(settingNamedBy(Map.of(TlsFiles.CERT_FILE, junk.toString(), TlsFiles.KEY_FILE, key.toString())))
        .isEqualTo(TlsFiles.CERT_FILE);
    assertThat(settingNamedBy(Map.of(TlsFiles.CERT_FILE, cert.toString(), TlsFiles.KEY_FILE, missing.toString())))
        .isEqualTo(TlsFiles.KEY_FILE);
    assertThat(settingNamedBy(Map.of(TlsFiles.CERT_FILE, cert.toString(), TlsFiles.KEY_FILE, junk.toString())))
        .isEqualTo(TlsFiles.KEY_FILE);
    assertThat(settingNamedBy(Map.of(TlsFiles.CERT_FILE, cert.toString()))).isEqualTo(TlsFiles.KEY_FILE);
    assertThat(settingNamedBy(Map.of(TlsFiles.KEY_FILE, key.toString()))).isEqualTo(TlsFiles.CERT_FILE);
    assertThat(GatewaySettings.from(settings(Map.of(TlsFiles.CERT_FILE, cert.toString(), TlsFiles.KEY_FILE,
        key.toString()))).tls()).isNotNull();
    assertThat(GatewaySettings.from(settings(Map.of())).tls()).isNull();
  }

  private static String settingNamedBy(Map<String, String> values) {
    Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(() -> GatewaySettings.from(settings(values)));
    assertThat(thrown).isInstanceOf(SettingsException.class);
    assertThat(thrown.getMessage()).doesNotContain("\n");
    return ((SettingsException) thrown).setting();
  }

  private static Settings settings(Map<String, String> values) {
    JsonObject json = new JsonObject();
    values.forEach(json::put);
    return new Settings(json);
  }

  private static HttpResponse<String> get(SSLContext trust, HttpClient.Version version, URI uri) throws Exception {
    // A new client each time: a new connection, so a new handshake sees the certificate served now.
    HttpClient client = HttpClient.newBuilder().sslContext(trust).version(version).build();
    return client.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer sk-tls").GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Certificate servedCertificate(HttpResponse<?> response) throws Exception {
    return response.sslSession().orElseThrow().getPeerCertificates()[0];
  }

  private static void assertNoHopByHop(HttpHeaders headers) {
    for (String name : List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te")) {
      assertThat(headers.firstValue(name)).as(name).isEmpty();
    }
  }
}
