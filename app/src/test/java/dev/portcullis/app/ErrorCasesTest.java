package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.InternalServerException;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every error of the gateway edge, in OpenAI's error format with the right status. */
class ErrorCasesTest {

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  /**
   * HTTP/1.1: these cases are about the error each answers, over the protocol most clients speak.
   * The JDK's default (HTTP/2 by upgrade) would put later calls on an h2c connection; HTTP/2's own
   * refusals, the oversized body's included, are tested in {@code Http2CleartextTest}.
   */
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_API_BODY_LIMIT", "64kb",
        "ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS", "800"));
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static HttpResponse<String> send(String method, String path, String body) throws Exception {
    HttpRequest.Builder builder = HttpRequest.newBuilder().uri(URI.create(portcullis.url(path)))
        .header("Authorization", "Bearer sk-errors").header("Content-Type", "application/json");
    builder.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    return HTTP.send(builder.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static JsonObject error(HttpResponse<String> response) {
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject error = new JsonObject(response.body()).getJsonObject("error");
    assertThat(error.fieldNames()).contains("message", "type", "param", "code");
    return error;
  }

  @Test
  void unknownPathsAndProvidersAre404() throws Exception {
    HttpResponse<String> response = send("POST", "/v1/openai/chat/completion", "{}");
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(error(response).getString("message")).contains("/v1/openai/chat/completion");
    assertThat(send("GET", "/v1/nosuchprovider/models", null).statusCode()).isEqualTo(404);
    assertThat(send("GET", "/elsewhere", null).statusCode()).isEqualTo(404);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void unknownPathsOfANativeApiAreAnsweredInThatApisFormat() throws Exception {
    HttpResponse<String> anthropic = send("POST", "/v1/anthropic/v1/nope", "{}");
    assertThat(anthropic.statusCode()).isEqualTo(404);
    JsonObject body = new JsonObject(anthropic.body());
    assertThat(body.getString("type")).isEqualTo("error");
    assertThat(body.getJsonObject("error").getString("type")).isEqualTo("not_found_error");
    HttpResponse<String> gemini = send("GET", "/v1/gemini/v1beta/models/gemini-pro:generateContent", null);
    assertThat(gemini.statusCode()).isEqualTo(405);
    assertThat(new JsonObject(gemini.body()).getJsonObject("error").getString("status")).isNotBlank();
  }

  @Test
  void wrongMethodIs405WithAllow() throws Exception {
    HttpResponse<String> response = send("GET", "/v1/openai/chat/completions", null);
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("allow")).hasValue("POST");
    assertThat(error(response).getString("type")).isEqualTo("invalid_request_error");
  }

  @Test
  void unparseableJsonIs400AndNothingGoesUpstream() throws Exception {
    for (String bad : new String[] {"{\"model\": \"gpt-4o\",", "[1,2]", "", "{\"model\":\"a\",\"model\":\"b\"}",
        "{\"model\":\"a\"} {\"x\":1}"}) {
      HttpResponse<String> response = send("POST", "/v1/openai/chat/completions", bad);
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(error(response).getString("type")).isEqualTo("invalid_request_error");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void bodyOverTheLimitIs413() throws Exception {
    String big = "{\"model\":\"gpt-4o\",\"input\":\"" + "x".repeat(70 * 1024) + "\"}";
    HttpResponse<String> response = send("POST", "/v1/openai/embeddings", big);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(error(response).getString("message")).contains("ARCHESTRA_API_BODY_LIMIT");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void chunkedBodyIsRefusedWhileItStreamsIn() throws Exception {
    // No Content-Length: the limit can only be enforced as the bytes arrive. The client sends a
    // little over the limit and then keeps the request open: the 413 must come anyway.
    try (Socket socket = new Socket("127.0.0.1", portcullis.port())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST /v1/openai/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] piece = "x".repeat(8192).getBytes(StandardCharsets.US_ASCII);
      for (int i = 0; i < 10; i++) {
        out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(piece);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      InputStream in = socket.getInputStream();
      String statusLine = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertThat(statusLine).isEqualTo("HTTP/1.1 413");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void upstreamErrorStatusesAndBodiesPassThroughUnchanged() throws Exception {
    String rateLimited = OpenAiWire.error("requests", "Rate limit reached for gpt-4o", "rate_limit_exceeded");
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(429, rateLimited,
        Map.of("retry-after", "7", "x-ratelimit-remaining-requests", "0")));
    HttpResponse<String> response = send("POST", "/v1/openai/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.body()).isEqualTo(rateLimited);
    assertThat(response.headers().firstValue("retry-after")).hasValue("7");

    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey("sk-e")
        .maxRetries(0).build();
    ChatCompletionCreateParams params = ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("x").build();
    assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOf(RateLimitException.class)
        .hasMessageContaining("Rate limit reached");
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(500,
        OpenAiWire.error("server_error", "The server had an error", null)));
    assertThatThrownBy(() -> client.chat().completions().create(params)).isInstanceOf(InternalServerException.class)
        .satisfies(e -> assertThat(((InternalServerException) e).statusCode()).isEqualTo(500));
    client.close();
  }

  @Test
  void silentUpstreamIs504() throws Exception {
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.silent());
    HttpResponse<String> response = send("POST", "/v1/openai/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(error(response).getString("message"))
        .contains("did not start answering within 800 ms (ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS)");
  }

  @Test
  void upstreamThatDropsTheConnectionIs502() throws Exception {
    upstream.on("POST", "/v1/chat/completions", (request, body) -> request.connection().close());
    HttpResponse<String> response = send("POST", "/v1/openai/chat/completions", "{\"model\":\"gpt-4o\",\"messages\":[]}");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(error(response).getString("type")).isEqualTo("api_error");
  }

  @Test
  void streamThatFailsMidwayEndsWithAnErrorEventTheSdkRaises() throws Exception {
    upstream.on("POST", "/v1/chat/completions", (request, body) -> {
      var response = request.response().setChunked(true).putHeader("content-type", "text/event-stream");
      response.write("data: " + OpenAiWire.chatTextStream("gpt-4o", java.util.List.of("partial"), 1, 1).get(1) + "\n\n");
      upstreamVertx.setTimer(100, t -> request.connection().close());
    });
    HttpResponse<String> response = send("POST", "/v1/openai/chat/completions",
        "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("\"content\":\"partial\"");
    String last = response.body().trim().substring(response.body().trim().lastIndexOf("data: ") + 6);
    assertThat(new JsonObject(last).getJsonObject("error").getString("type")).isEqualTo("api_error");
  }
}
