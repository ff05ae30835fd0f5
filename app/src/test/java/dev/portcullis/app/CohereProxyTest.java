package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.CohereWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cohere through Portcullis with plain HTTP (Cohere has no Java SDK), against a test upstream that
 * speaks Cohere's v2 chat wire format behind a base URL with a path prefix. Each test checks what
 * the client got and what the upstream received.
 */
class CohereProxyTest {

  private static final String KEY = "co-test-client-key-0123456789";
  private static final String V2_CHAT = "/cohere-prefix/v2/chat";
  private static final long UPSTREAM_TIMEOUT_MS = 2_500;

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static TokenCounters tokens;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_COHERE_BASE_URL", upstream.baseUrl("/cohere-prefix"),
        "ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS", String.valueOf(UPSTREAM_TIMEOUT_MS)));
    tokens = new TokenCounters(portcullis);
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

  private static String chatBody(String model, boolean stream) {
    return "{\"model\":\"" + model + "\",\"stream\":" + stream
        + ",\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"Hello\"}]}";
  }

  private static HttpResponse<String> post(String path, String body) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("cohere") + path))
        .header("Authorization", "Bearer " + KEY)
        .header("Content-Type", "application/json")
        .header("X-Client-Name", "portcullis-test")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void v2ChatIsForwardedByteForByteWithTheClientsKeyAndUsageComesFromTokens() throws Exception {
    String answer = CohereWire.chat("Hello! How can I help?", 12, 6);
    upstream.on("POST", V2_CHAT, RecordingUpstream.json(200, answer, Map.of("x-trial-endpoint-call-remaining", "9")));
    String body = chatBody("command-a-03-2025", false);

    HttpResponse<String> response = post("/v2/chat", body);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(answer);
    assertThat(response.headers().firstValue("x-trial-endpoint-call-remaining")).hasValue("9");
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo(V2_CHAT);
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(received.header("X-Client-Name")).isEqualTo("portcullis-test");
    assertThat(received.bodyText()).isEqualTo(body);
    // Cohere's answer names no model: the request's is used; tokens win over billed units.
    assertThat(tokens.await("cohere", "command-a-03-2025", "input", 212)).isEqualTo(212);
    assertThat(tokens.await("cohere", "command-a-03-2025", "output", 6)).isEqualTo(6);
  }

  @Test
  void theDocumentedChatRouteIsV2ChatUpstreamAlsoBehindAProxyId() throws Exception {
    upstream.on("POST", V2_CHAT, RecordingUpstream.json(200, CohereWire.chatBilledOnly("Hi", 30, 4)));

    assertThat(post("/chat", chatBody("command-r-billed", false)).statusCode()).isEqualTo(200);
    assertThat(upstream.last().path()).isEqualTo(V2_CHAT);
    String proxyId = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN)
        .create("llm-proxies", new io.vertx.core.json.JsonObject().put("name", "cohere-proxy")).getString("id");
    assertThat(post("/" + proxyId + "/chat", chatBody("command-r-billed", false)).statusCode()).isEqualTo(200);
    assertThat(upstream.last().path()).isEqualTo(V2_CHAT);
    // Only billed units reported: they are the fallback.
    assertThat(tokens.await("cohere", "command-r-billed", "input", 60)).isEqualTo(60);
  }

  @Test
  void aStreamIsRelayedEventByEventAsItIsProduced() throws Exception {
    List<String[]> events = CohereWire.textStream(List.of("Hel", "lo", "!"), 9, 3);
    SseScript script = SseScript.create();
    for (String[] event : events) {
      script.event(event[0], event[1]);
      if (event[1].contains("\"Hel\"")) {
        script.gate("first-delta-seen");
      }
    }
    upstream.on("POST", V2_CHAT, script);

    HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(
            URI.create(portcullis.providerUrl("cohere") + "/v2/chat"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(chatBody("command-a-stream", true))).build(),
        HttpResponse.BodyHandlers.ofInputStream());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("text/event-stream");
    List<String> types = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        if (!line.startsWith("data: ")) {
          continue;
        }
        JsonObject event = new JsonObject(line.substring(6));
        types.add(event.getString("type"));
        if (event.getString("type").equals("content-delta")) {
          String piece = event.getJsonObject("delta").getJsonObject("message").getJsonObject("content")
              .getString("text");
          text.append(piece);
          if (piece.equals("Hel")) {
            assertThat(script.finished()).isNotDone();
            script.open("first-delta-seen");
          }
        }
      }
    }
    assertThat(types).containsExactly("message-start", "content-start", "content-delta", "content-delta",
        "content-delta", "content-end", "message-end");
    assertThat(text).hasToString("Hello!");
    assertThat(upstream.last().json().getBoolean("stream")).isTrue();
    assertThat(tokens.await("cohere", "command-a-stream", "input", 209)).isEqualTo(209);
    assertThat(tokens.await("cohere", "command-a-stream", "output", 3)).isEqualTo(3);
  }

  /**
   * The usage observer reads a stream the way Cohere's SDKs do: CRLF line ends, a keep-alive comment
   * line, a trailing {@code data: [DONE]} and a message-end cut between its CR and LF. The client
   * gets the bytes as they came, and the usage is counted.
   */
  @Test
  void usageIsReadFromACrLfStreamWithACommentLineAndATrailingDoneMarker() throws Exception {
    StringBuilder sse = new StringBuilder(": keep-alive\r\n\r\n");
    for (String[] event : CohereWire.textStream(List.of("H\u00e9l", "lo \u4e16\u754c"), 8, 5)) {
      sse.append("event: ").append(event[0]).append("\r\n: comment inside the event\r\ndata: ").append(event[1])
          .append("\r\n\r\n");
    }
    sse.append("data: [DONE]\r\n\r\n");
    byte[] bytes = sse.toString().getBytes(StandardCharsets.UTF_8);
    // Between the CR and the LF that end message-end's event line, counted in bytes.
    int cut = sse.substring(0, sse.indexOf("\n", sse.indexOf("event: message-end"))).getBytes(StandardCharsets.UTF_8).length;
    SseScript script = SseScript.create()
        .bytes(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOfRange(bytes, 0, cut))).delay(20)
        .bytes(io.vertx.core.buffer.Buffer.buffer(java.util.Arrays.copyOfRange(bytes, cut, bytes.length)));
    upstream.on("POST", V2_CHAT, script);

    HttpResponse<byte[]> response = HTTP.send(HttpRequest.newBuilder(URI.create(portcullis.providerUrl("cohere") + "/v2/chat"))
        .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(chatBody("command-a-crlf", true))).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(bytes);
    assertThat(tokens.await("cohere", "command-a-crlf", "input", 208)).isEqualTo(208);
    assertThat(tokens.await("cohere", "command-a-crlf", "output", 5)).isEqualTo(5);
  }

  @Test
  void modelsComeFromV1ModelsWithTheQueryForwarded() throws Exception {
    upstream.on("GET", "/cohere-prefix/v1/models",
        RecordingUpstream.json(200, CohereWire.models("command-a-03-2025", "command-r7b-12-2024")));

    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
            URI.create(portcullis.providerUrl("cohere") + "/v1/models?page_size=2&endpoint=chat"))
        .header("Authorization", "Bearer " + KEY).GET().build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(response.body()).getJsonArray("models").getJsonObject(1).getString("name"))
        .isEqualTo("command-r7b-12-2024");
    RecordedRequest received = upstream.last();
    assertThat(received.path()).isEqualTo("/cohere-prefix/v1/models");
    assertThat(received.query()).isEqualTo("page_size=2&endpoint=chat");
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + KEY);
  }

  @Test
  void upstreamErrorsPassThroughWithTheirStatusAndBody() throws Exception {
    String limited = CohereWire.error("You are using a Trial key, which is limited to 10 API calls / minute.");
    upstream.on("POST", V2_CHAT, RecordingUpstream.json(429, limited));
    HttpResponse<String> response = post("/v2/chat", chatBody("command-a-03-2025", false));
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.body()).isEqualTo(limited);

    String invalidToken = CohereWire.error("invalid api token");
    upstream.on("POST", V2_CHAT, RecordingUpstream.json(498, invalidToken));
    response = post("/v2/chat", chatBody("command-a-03-2025", true));
    assertThat(response.statusCode()).isEqualTo(498);
    assertThat(response.body()).isEqualTo(invalidToken);
  }

  @Test
  void anErrorPortcullisRaisesIsCoheresMessageObject() throws Exception {
    HttpResponse<String> response = post("/v2/chat", "{\"model\":\"command-a-03-2025\",\"messages\":[");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonObject body = new JsonObject(response.body());
    assertThat(body.fieldNames()).containsExactly("message");
    assertThat(body.getString("message")).contains("JSON");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aStreamPortcullisMustAbandonEndsWithAnErrorMessageEnd() throws Exception {
    SseScript stalled = SseScript.create();
    stalled.event("message-start", CohereWire.textStream(List.of(), 1, 1).get(0)[1]).gate("never");
    upstream.on("POST", V2_CHAT, stalled);

    HttpResponse<String> response = post("/v2/chat", chatBody("command-a-03-2025", true));

    assertThat(response.statusCode()).isEqualTo(200);
    String[] events = response.body().split("\n\n");
    assertThat(events).hasSize(2);
    assertThat(events[0]).startsWith("event: message-start\n");
    assertThat(events[1]).startsWith("event: message-end\ndata: ");
    JsonObject end = new JsonObject(events[1].substring(events[1].indexOf("data: ") + 6));
    assertThat(end.getString("type")).isEqualTo("message-end");
    assertThat(end.getJsonObject("delta").getString("finish_reason")).isEqualTo("ERROR");
    assertThat(end.getJsonObject("delta").getString("error")).contains(UPSTREAM_TIMEOUT_MS + " ms");
  }
}
