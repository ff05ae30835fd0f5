package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.BedrockWire;
import dev.portcullis.testkit.ClientContext;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import software.amazon.awssdk.auth.token.credentials.StaticTokenProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.auth.scheme.BedrockRuntimeAuthSchemeProvider;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.Message;

/**
 * HTTP/2 in clear on the gateway port: with prior knowledge (what the AWS SDK for JavaScript's
 * Bedrock Runtime client sends to an {@code http://} endpoint, here the AWS SDK for Java's Netty
 * client with {@code Protocol.HTTP2}, and Vert.x's client) and by an {@code h2c} upgrade. Every call
 * reaches the upstream once, and no answer carries a hop-by-hop header, refusals included. A body
 * refused for its size ends its own stream, not the connection.
 */
@Timeout(30)
class Http2CleartextTest {

  private static final String KEY = "ABSKQmVkcm9ja0FQSUtleS10ZXN0LWtleQ==";
  private static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String MODEL_PATH = "/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0";
  private static final List<String> HOP_BY_HOP = List.of(
      "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "te");

  private static Vertx vertx;
  /** Every client call of the class starts on it (see {@link ClientContext}). */
  private static ClientContext calls;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    calls = new ClientContext(vertx);
    upstream = RecordingUpstream.start(vertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_BEDROCK_BASE_URL", upstream.baseUrl(""),
        "ARCHESTRA_BEDROCK_ALLOWED_PROVIDERS", "anthropic,amazon",
        "ARCHESTRA_BEDROCK_ALLOWED_INFERENCE_REGIONS", "us,global",
        "ARCHESTRA_API_BODY_LIMIT", "64kb"));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    vertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
    upstream.on("GET", "/v1/models", RecordingUpstream.json(200, OpenAiWire.models("gpt-4o"),
        Map.of("Connection", "keep-alive", "Keep-Alive", "timeout=5", "x-upstream", "yes")));
    upstream.on("POST", "/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "Hi there", 5, 2)));
  }

  private static HttpClient client(boolean upgrade) {
    return vertx.createHttpClient(options(upgrade));
  }

  private static HttpClientOptions options(boolean upgrade) {
    return new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(upgrade)
        .setDefaultHost("127.0.0.1").setDefaultPort(portcullis.port());
  }

  private record Answer(int status, HttpVersion version, MultiMap headers, String body) {}

  private static Answer call(HttpClient client, HttpMethod method, String path, String body, String... headers) {
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    for (int i = 0; i < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    return calls.call(() -> client.request(options)
        .compose(request -> (body == null ? request.send() : request.send(body))
            .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.version(),
                response.headers(), b.toString())))))
        .await();
  }

  private static void assertNoHopByHop(MultiMap headers) {
    for (String name : HOP_BY_HOP) {
      assertThat(headers.contains(name)).as("hop-by-hop header %s in %s", name, headers).isFalse();
    }
  }

  @Test
  void priorKnowledgeCarriesCallsBothWays() {
    HttpClient client = client(false);
    try {
      Answer models = call(client, HttpMethod.GET, "/v1/openai/models", null, "Authorization", "Bearer sk-h2");
      Answer chat = call(client, HttpMethod.POST, "/v1/openai/chat/completions",
          "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
          "Authorization", "Bearer sk-h2", "content-type", "application/json");

      assertThat(models.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(models.status()).isEqualTo(200);
      assertThat(models.body()).contains("gpt-4o");
      assertThat(models.headers().get("x-upstream")).isEqualTo("yes");
      assertNoHopByHop(models.headers());
      assertThat(chat.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(chat.status()).isEqualTo(200);
      assertThat(chat.body()).contains("Hi there");
      assertNoHopByHop(chat.headers());
      List<RecordedRequest> received = upstream.received();
      assertThat(received).extracting(RecordedRequest::path).containsExactly("/v1/models", "/v1/chat/completions");
      assertThat(received).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer sk-h2"));
      assertThat(received.get(1).json().getString("model")).isEqualTo("gpt-4o");
    } finally {
      client.close().await();
    }
  }

  @Test
  void anUpgradeOfABodylessRequestSwitchesTheConnectionToHttp2() {
    HttpClient client = client(true);
    try {
      Answer first = call(client, HttpMethod.GET, "/v1/openai/models", null, "Authorization", "Bearer sk-up");
      Answer second = call(client, HttpMethod.POST, "/v1/openai/chat/completions",
          "{\"model\":\"gpt-4o\",\"messages\":[]}", "Authorization", "Bearer sk-up", "content-type", "application/json");

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(first.body()).contains("gpt-4o");
      assertNoHopByHop(first.headers());
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.version()).isEqualTo(HttpVersion.HTTP_2);
      assertNoHopByHop(second.headers());
      assertThat(upstream.received()).extracting(RecordedRequest::path)
          .containsExactly("/v1/models", "/v1/chat/completions");
    } finally {
      client.close().await();
    }
  }

  @Test
  void anUpgradeOfARequestWithABodyIsDeclinedAndAnsweredInHttp11() {
    HttpClient client = client(true);
    try {
      Answer chat = call(client, HttpMethod.POST, "/v1/openai/chat/completions",
          "{\"model\":\"gpt-4o\",\"messages\":[]}", "Authorization", "Bearer sk-up", "content-type", "application/json");

      assertThat(chat.status()).isEqualTo(200);
      assertThat(chat.version()).isEqualTo(HttpVersion.HTTP_1_1);
      assertThat(chat.body()).contains("Hi there");
      assertThat(upstream.received()).hasSize(1);
      assertThat(upstream.last().header("Upgrade")).isNull();
      assertThat(upstream.last().header("HTTP2-Settings")).isNull();
    } finally {
      client.close().await();
    }
  }

  /** A request asking for an h2c upgrade, sent raw so that nothing but the server decides. */
  private static RawHttp.Answer askingForH2c(String requestLine, String extraHeaders, String body) throws Exception {
    return RawHttp.exchange(portcullis.port(), requestLine + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer sk-up\r\n"
        + "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
        + extraHeaders + "\r\n" + body, 10_000);
  }

  @Test
  void onlyAPlainBodylessCallIsUpgradedAndEveryOtherIsAnsweredInHttp11() throws Exception {
    // The fuzz once saw a CONNECT upgraded to h2c and then left without any answer.
    RawHttp.Answer connect = askingForH2c("CONNECT 127.0.0.1:443 HTTP/1.1", "", "");
    RawHttp.Answer connectToPath = askingForH2c("CONNECT /v1/openai/models HTTP/1.1", "", "");
    String chat = "{\"model\":\"gpt-4o\",\"messages\":[]}";
    RawHttp.Answer postWithBody = askingForH2c("POST /v1/openai/chat/completions HTTP/1.1",
        "Content-Type: application/json\r\nContent-Length: " + chat.length() + "\r\n", chat);
    RawHttp.Answer delete = askingForH2c("DELETE /v1/openai/models HTTP/1.1", "", "");
    RawHttp.Answer get = askingForH2c("GET /v1/openai/models HTTP/1.1", "", "");

    for (RawHttp.Answer declined : List.of(connect, connectToPath, postWithBody, delete)) {
      assertThat(declined.closedWithoutAnswer()).as("answered: %s", declined.statusLine()).isFalse();
      assertThat(declined.statusLine()).startsWith("HTTP/1.1 ").doesNotStartWith("HTTP/1.1 101");
      assertThat(declined.headers()).doesNotContainKey("upgrade");
    }
    assertThat(postWithBody.status()).isEqualTo(200);
    assertThat(postWithBody.body()).contains("Hi there");
    // A GET without a body is the one kind of request upgraded: the control that the others were asked right.
    assertThat(get.statusLine()).startsWith("HTTP/1.1 101");
    assertThat(upstream.received()).extracting(RecordedRequest::path).contains("/v1/chat/completions");
  }

  @Test
  void refusalsOverHttp2CarryNoHopByHopHeader() {
    HttpClient client = client(false);
    try {
      // Answered with "Connection: close" in HTTP/1.1; in HTTP/2 that header must not appear.
      Answer badEscape = call(client, HttpMethod.GET, "/v1/openai/mod%zzels", null, "Authorization", "Bearer sk-x");
      String[] many = new String[2 * 120];
      for (int i = 0; i < 120; i++) {
        many[2 * i] = "x-filler-" + i;
        many[2 * i + 1] = "v";
      }
      Answer tooMany = call(client, HttpMethod.GET, "/v1/openai/models", null, many);
      Answer unknown = call(client, HttpMethod.GET, "/nowhere", null);
      Answer after = call(client, HttpMethod.GET, "/v1/openai/models", null, "Authorization", "Bearer sk-x");

      assertThat(badEscape.status()).isEqualTo(400);
      assertThat(badEscape.body()).contains("percent escape");
      assertNoHopByHop(badEscape.headers());
      assertThat(tooMany.status()).isEqualTo(431);
      assertThat(tooMany.body().toLowerCase(Locale.ROOT)).contains("header fields");
      assertNoHopByHop(tooMany.headers());
      assertThat(unknown.status()).isEqualTo(404);
      assertNoHopByHop(unknown.headers());
      // The refusals ended their own streams, not the connection.
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(upstream.received()).hasSize(1);
    } finally {
      client.close().await();
    }
  }

  @Test
  void aBodyOverTheLimitEndsOnlyItsOwnStream() {
    AtomicInteger connections = new AtomicInteger();
    HttpClient client = vertx.httpClientBuilder().with(options(false))
        .withConnectHandler(connection -> connections.incrementAndGet()).build();
    try {
      // Declared too large: refused before a byte of the body is read.
      String big = "{\"model\":\"gpt-4o\",\"input\":\"" + "x".repeat(70 * 1024) + "\"}";
      Answer declared = call(client, HttpMethod.POST, "/v1/openai/embeddings", big,
          "Authorization", "Bearer sk-h2", "content-type", "application/json");
      // No length: refused once 64 KB have come, while the client still sends and never ends.
      Promise<Throwable> streamEnded = Promise.promise();
      Answer streamed = calls.call(() -> client.request(new RequestOptions()
              .setMethod(HttpMethod.POST).setURI("/v1/openai/chat/completions").addHeader("Authorization", "Bearer sk-h2"))
          .compose(request -> {
            request.exceptionHandler(streamEnded::tryComplete);
            request.setChunked(true);
            for (int i = 0; i < 9; i++) {
              request.write("x".repeat(8 * 1024));
            }
            return request.response();
          })
          .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.version(),
              response.headers(), b.toString()))))
          .await();
      Throwable reset = streamEnded.future().await();
      Answer after = call(client, HttpMethod.POST, "/v1/openai/chat/completions",
          "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}",
          "Authorization", "Bearer sk-h2", "content-type", "application/json");

      for (Answer refused : List.of(declared, streamed)) {
        assertThat(refused.status()).isEqualTo(413);
        assertThat(refused.version()).isEqualTo(HttpVersion.HTTP_2);
        assertThat(refused.body()).contains("ARCHESTRA_API_BODY_LIMIT");
        assertNoHopByHop(refused.headers());
      }
      // The client keeps its complete answer and is told, without error, to stop sending.
      assertThat(reset).isInstanceOf(StreamResetException.class);
      assertThat(((StreamResetException) reset).getCode()).isZero();
      // The next call goes over the same connection: the refusals closed nothing else.
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(connections.get()).isEqualTo(1);
      assertThat(upstream.received()).extracting(RecordedRequest::path).containsExactly("/v1/chat/completions");
    } finally {
      client.close().await();
    }
  }

  @Test
  void theAwsSdksNettyClientSpeaksHttp2WithPriorKnowledgeToAnHttpEndpoint() {
    upstream.on("POST", MODEL_PATH + "/converse", RecordingUpstream.json(200, BedrockWire.converse("Hello!", 11, 4)));
    Buffer frames = BedrockWire.concat(BedrockWire.textStreamFrames(List.of("Hel", "lo, ", "h2!"), 9, 5));
    upstream.on("POST", MODEL_PATH + "/converse-stream", BedrockWire.eventStream(frames, 2, 7, 19, 3));
    try (BedrockRuntimeAsyncClient bedrock = BedrockRuntimeAsyncClient.builder()
        .endpointOverride(URI.create(portcullis.providerUrl("bedrock")))
        .region(Region.US_EAST_1)
        .tokenProvider(StaticTokenProvider.create(() -> KEY))
        .authSchemeProvider(BedrockRuntimeAuthSchemeProvider.defaultProvider(List.of("httpBearerAuth")))
        .httpClient(NettyNioAsyncHttpClient.builder().protocol(Protocol.HTTP2).build())
        .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build()) {
      Message hello = Message.builder().role(ConversationRole.USER).content(ContentBlock.fromText("Hi")).build();

      ConverseResponse converse = bedrock.converse(r -> r.modelId(MODEL).messages(hello)).join();
      List<String> texts = new CopyOnWriteArrayList<>();
      try {
        bedrock.converseStream(r -> r.modelId(MODEL).messages(hello), ConverseStreamResponseHandler.builder()
            .subscriber(ConverseStreamResponseHandler.Visitor.builder()
                .onContentBlockDelta(delta -> texts.add(delta.delta().text())).build())
            .build()).join();
      } catch (CompletionException e) {
        throw new AssertionError("the stream failed", e.getCause());
      }

      assertThat(converse.output().message().content().get(0).text()).isEqualTo("Hello!");
      assertThat(String.join("", texts)).isEqualTo("Hello, h2!");
      // Only this test's calls: a bodyless call of an earlier test may still reach the upstream late.
      List<RecordedRequest> received = upstream.received().stream()
          .filter(r -> r.path().startsWith("/model/")).toList();
      assertThat(received).extracting(RecordedRequest::path)
          .containsExactly(MODEL_PATH + "/converse", MODEL_PATH + "/converse-stream");
      assertThat(received).allSatisfy(r -> assertThat(r.header("Authorization")).isEqualTo("Bearer " + KEY));
    }
  }
}
