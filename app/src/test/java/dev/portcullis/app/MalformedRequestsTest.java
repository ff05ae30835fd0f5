package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Requests a fuzzer sends (issue 10, point 9): each gets the right 4xx (or 505) with a body in the
 * called API's format, never a 500, an empty answer or silence; nothing reaches the upstream; none
 * is logged as an ERROR; and a client that goes away is logged as 499, never as 200.
 */
class MalformedRequestsTest {

  private static final String CHAT = "/v1/openai/chat/completions";
  private static final String JSON_BODY = "{\"model\":\"gpt-4o\",\"messages\":[]}";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static ListAppender<ILoggingEvent> logs;
  private static String routerProxyId;
  private static String virtualKey;

  @BeforeAll
  static void start() {
    logs = new ListAppender<>();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    logs.setContext(context);
    logs.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(logs);
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_ANTHROPIC_BASE_URL", upstream.baseUrl("/anthropic")));
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    routerProxyId = admin.create("llm-proxies", new JsonObject().put("name", "fuzzed")).getString("id");
    String keyId = admin.create("provider-keys", new JsonObject().put("provider", "anthropic").put("name", "team")
        .put("apiKey", "sk-ant-stored-0123456789")).getString("id");
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "fuzzed")
        .put("providerKeyIds", new JsonArray().add(keyId))).getString("key");
  }

  @AfterAll
  static void stop() {
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
    ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME).detachAppender(logs);
  }

  @BeforeEach
  void clear() {
    upstream.reset();
    logs.list.clear();
  }

  @AfterEach
  void noErrorWasLogged() {
    List<ILoggingEvent> errors = logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
    assertThat(errors).as("malformed requests are the client's mistake, never an ERROR").isEmpty();
  }

  private static RawHttp.Answer raw(String request) throws Exception {
    return RawHttp.exchange(portcullis.port(), request, 5_000);
  }

  private static void assertOpenAiError(RawHttp.Answer answer, int status) {
    assertThat(answer.status()).as(answer.toString()).isEqualTo(status);
    assertThat(answer.headers().get("content-type")).isEqualTo("application/json");
    JsonObject error = answer.json().getJsonObject("error");
    assertThat(error.fieldNames()).contains("message", "type", "code");
    assertThat(error.getString("message")).isNotBlank();
  }

  private static Map<String, Object> lastAccessRecord() throws InterruptedException {
    long deadline = System.currentTimeMillis() + 5_000;
    List<ILoggingEvent> access = List.of();
    while (access.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
      access = List.copyOf(logs.list).stream().filter(e -> e.getLoggerName().equals("portcullis.access")).toList();
    }
    assertThat(access).isNotEmpty();
    Map<String, Object> fields = new HashMap<>();
    access.get(access.size() - 1).getKeyValuePairs().forEach(kv -> {
      if (kv.value != null) {
        fields.put(kv.key, kv.value);
      }
    });
    return fields;
  }

  @Test
  void aFormBodyWithABadPercentEscapeInTheQueryIsAnswered400() throws Exception {
    RawHttp.Answer answer = raw("POST " + CHAT + "?a=%zz HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\n"
        + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 3\r\n\r\na=b");
    assertOpenAiError(answer, 400);
    assertThat(answer.openAiMessage()).contains("query");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aBadPercentEscapeInThePathIsA400InTheApisFormat() throws Exception {
    assertOpenAiError(raw("GET /v1/groq/m%-1odels HTTP/1.1\r\nHost: x\r\n\r\n"), 400);
    RawHttp.Answer anthropic = raw("POST /v1/anthropic/v1/mess%zzages HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    assertThat(anthropic.status()).isEqualTo(400);
    assertThat(anthropic.json().getString("type")).isEqualTo("error");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void v1AloneIs404() throws Exception {
    for (String path : new String[] {"/v1", "/v1/"}) {
      RawHttp.Answer answer = raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertOpenAiError(answer, 404);
    }
  }

  @Test
  void anExpectOtherThan100ContinueIs417AndLoggedSo() throws Exception {
    RawHttp.Answer answer = raw("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\n"
        + "Content-Type: application/json\r\nExpect: something-else\r\nContent-Length: " + JSON_BODY.length()
        + "\r\n\r\n" + JSON_BODY);
    assertOpenAiError(answer, 417);
    assertThat(lastAccessRecord()).containsEntry("status", 417);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void expect100ContinueStillWorks() throws Exception {
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200,
        OpenAiWire.chatCompletion("gpt-4o", "ok", 1, 1)));
    try (Socket socket = new Socket("127.0.0.1", portcullis.port())) {
      socket.setSoTimeout(5_000);
      OutputStream out = socket.getOutputStream();
      out.write(("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\nContent-Type: application/json\r\n"
          + "Expect: 100-continue\r\nContent-Length: " + JSON_BODY.length() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(100);
      out.write(JSON_BODY.getBytes(StandardCharsets.US_ASCII));
      out.flush();
      assertThat(RawHttp.read(socket.getInputStream()).status()).isEqualTo(200);
    }
  }

  @Test
  void aNumberNoBigDecimalCanHoldIsA400OnTheModelRouter() throws Exception {
    for (String number : new String[] {"1E+2147483648", "1E+999999999", "-5", "2.5"}) {
      String body = "{\"model\":\"anthropic:claude-sonnet-4-5\",\"max_tokens\":" + number
          + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
      RawHttp.Answer answer = raw("POST /v1/model-router/" + routerProxyId + "/chat/completions HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + virtualKey + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length() + "\r\n\r\n" + body);
      assertOpenAiError(answer, 400);
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aBadChunkSizeIsAnswered400() throws Exception {
    RawHttp.Answer answer = raw("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\n"
        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{\"a\":\r\nzz\r\n1}\r\n0\r\n\r\n");
    assertOpenAiError(answer, 400);
    assertThat(answer.openAiMessage()).contains("chunk");
    assertThat(upstream.received()).isEmpty();
    assertThat(lastAccessRecord()).containsEntry("status", 400);
  }

  @Test
  void anUnknownHttpVersionIs505AndAMalformedOne400() throws Exception {
    assertOpenAiError(raw("GET /v1/openai/models HTTP/9.9\r\nHost: x\r\n\r\n"), 505);
    assertOpenAiError(raw("GET /v1/openai/models http/1.1\r\nHost: x\r\n\r\n"), 400);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void refusalsBeforeRoutingUseTheFormatOfTheApiThePathNames() throws Exception {
    RawHttp.Answer answer = raw("POST /v1/anthropic/v1/messages HTTP/9.9\r\nHost: x\r\n\r\n");
    assertThat(answer.status()).isEqualTo(505);
    assertThat(answer.json().getString("type")).isEqualTo("error");
    assertThat(answer.json().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
  }

  @Test
  void anOverlongRequestLineIs414() throws Exception {
    RawHttp.Answer answer = raw("GET /v1/openai/models?q=" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertOpenAiError(answer, 414);
  }

  @Test
  void anOverlongRequestLineOnANativeApiIsAnsweredInThatApisFormat() throws Exception {
    RawHttp.Answer answer = raw("POST /v1/anthropic/v1/messages?q=" + "a".repeat(20_000)
        + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer.status()).isEqualTo(414);
    assertThat(answer.json().getString("type")).isEqualTo("error");
    assertThat(answer.json().getJsonObject("error").getString("type")).isEqualTo("invalid_request_error");
  }

  @Test
  void tooManyOrTooLargeHeadersAre431() throws Exception {
    StringBuilder many = new StringBuilder("GET /v1/openai/models HTTP/1.1\r\nHost: x\r\n");
    for (int i = 0; i < 150; i++) {
      many.append("X-Header-").append(i).append(": v\r\n");
    }
    assertOpenAiError(raw(many.append("\r\n").toString()), 431);
    assertOpenAiError(raw("GET /v1/openai/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n"),
        431);
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aClientThatLeavesMidStreamIsLogged499NotAs200() throws Exception {
    List<String> chunks = OpenAiWire.chatTextStream("gpt-4o", List.of("one", " two"), 2, 2);
    SseScript script = SseScript.create().data(chunks.get(0)).gate("never");
    upstream.on("POST", "/v1/chat/completions", script);
    String body = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}";
    try (Socket socket = new Socket("127.0.0.1", portcullis.port())) {
      socket.setSoTimeout(5_000);
      socket.getOutputStream().write(("POST " + CHAT + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-x\r\n"
          + "Content-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
          .getBytes(StandardCharsets.US_ASCII));
      BufferedReader reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      for (String line = reader.readLine(); !line.startsWith("data: "); line = reader.readLine()) {
        // status line, headers and chunk sizes until the first event
      }
    }
    script.clientGone().get(5, TimeUnit.SECONDS);
    Map<String, Object> record = lastAccessRecord();
    assertThat(record).containsEntry("status", 499).containsEntry("outcome", "client_closed");
  }
}
