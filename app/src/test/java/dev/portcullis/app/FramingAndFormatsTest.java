package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Requests the fuzz suite found answered wrongly or not at all: bodies whose length cannot be
 * trusted (a coding after chunked, chunked twice), a made-up HTTP version echoed in the answer's status line, an answer lost when a
 * broken chunk followed it, and refusals before routing in the wrong API's format.
 */
@Timeout(30)
class FramingAndFormatsTest {

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 3, 2)));
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "PORTCULLIS_HEADER_TIMEOUT_MS", "1500"));
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

  @Test
  void aBodyWhoseLengthCannotBeTrustedIsRefusedAndTheConnectionClosed() throws Exception {
    String chat = "{\"model\":\"gpt-4o\",\"messages\":[]}";
    for (String framing : new String[] {
        "Transfer-Encoding: chunked, gzip\r\nContent-Length: 0\r\n",
        "Transfer-Encoding: gzip, chunked, identity\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n"}) {
      RawHttp.Answer answer = send("POST /v1/openai/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-own\r\n"
          + framing + "\r\n" + Integer.toHexString(chat.length()) + "\r\n" + chat + "\r\n0\r\n\r\n");
      assertThat(answer.status()).as(framing).isEqualTo(400);
      assertThat(answer.header("connection")).isEqualTo("close");
      assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("message")).contains("Transfer-Encoding");
    }
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aBodyThatStopsArrivingIsAnswered408AndNothingGoesUpstream() throws Exception {
    // Headers in time, then ten bytes of a hundred announced, then silence: a slow-body client.
    RawHttp.Answer answer = send("POST /v1/openai/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer sk-own\r\n"
        + "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":");
    assertThat(answer.status()).isEqualTo(408);
    assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("message"))
        .contains("PORTCULLIS_HEADER_TIMEOUT_MS");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aStreamAskedForOverHttp10IsRefusedNotBroken() throws Exception {
    String chat = "{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}";
    RawHttp.Answer answer = send("POST /v1/openai/chat/completions HTTP/1.0\r\nHost: x\r\nAuthorization: Bearer sk-own\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + chat.length() + "\r\n\r\n" + chat);
    assertThat(answer.status()).isEqualTo(400);
    assertThat(answer.body()).contains("HTTP/1.1");
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void theStatusLineNeverEchoesAMadeUpVersion() throws Exception {
    RawHttp.Answer answer = send("GET /health HTTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(answer.statusLine()).startsWith("HTTP/1.1 400 ");
  }

  @Test
  void anAnswerAlreadyWrittenIsDeliveredWhenABrokenChunkFollowsIt() throws Exception {
    // /health answers without reading a body; the broken chunk size arrives in the same read.
    RawHttp.Answer answer = send("GET /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n0\r\n\r\n");
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.body()).contains("UP");
  }

  @Test
  void refusalsBeforeRoutingSpeakTheApiThePathNames() throws Exception {
    RawHttp.Answer badHost = send("GET /v1/bedrock/models HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n");
    assertThat(badHost.status()).isEqualTo(400);
    assertThat(badHost.header("x-amzn-ErrorType")).isEqualTo("ValidationException");
    RawHttp.Answer dotted = send("GET /x/../v1/gemini/v1beta/models?a=%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertThat(dotted.status()).isEqualTo(400);
    assertThat(new JsonObject(dotted.body()).getJsonObject("error").getString("status")).isEqualTo("INVALID_ARGUMENT");
    RawHttp.Answer token = send("POST /api/auth/oauth2/token HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: 0\r\nConnection: close\r\n\r\n");
    assertThat(token.status()).isEqualTo(400);
    assertThat(new JsonObject(token.body()).getString("error")).isEqualTo("invalid_request");
  }

  @Test
  void theAdminApiAnswersOddTargetsInJson() throws Exception {
    int adminPort = Integer.parseInt(portcullis.adminUrl().substring(portcullis.adminUrl().lastIndexOf(':') + 1));
    for (String target : new String[] {"*", "?;jsessionid=1x=1"}) {
      RawHttp.Answer answer = RawHttp.exchangeFrom("127.0.0.1", adminPort, ("GET " + target
          + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), 20_000);
      assertThat(answer.status()).as(target).isEqualTo(400);
      assertThat(new JsonObject(answer.body()).getJsonObject("error").getString("message")).isNotBlank();
    }
  }

  private static RawHttp.Answer send(String request) throws Exception {
    return RawHttp.exchangeFrom("127.0.0.1", portcullis.port(), request.getBytes(StandardCharsets.ISO_8859_1), 20_000);
  }
}
