package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.testkit.GeminiWire;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A virtual key must never leave Portcullis, however it is spelled (found by the fuzz suite): next
 * to a junk key in a second header or a second {@code Authorization}, as a second {@code ?key=},
 * or behind an odd scheme. Whichever credential Portcullis picked, the other one would have been
 * forwarded upstream as if it were the caller's own.
 */
@Timeout(30)
class CredentialSmugglingTest {

  private static final String STORED_KEY = "sk-stored-openai-key-for-smuggling-tests";
  private static final String CHAT = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final String GENERATE = "/v1/gemini/v1beta/models/gemini-2.5-flash:generateContent";
  private static final String GEMINI_BODY = "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]}";

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static String virtualKey;

  @BeforeAll
  static void start() throws Exception {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "ok", 3, 2)));
    upstream.onPrefix("POST", "/v1beta/models/", RecordingUpstream.json(200,
        GeminiWire.generateContent("gemini-2.5-flash", "ok", 3, 2)));
    portcullis = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "ARCHESTRA_GEMINI_BASE_URL", upstream.baseUrl("")));
    AdminClient admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    JsonArray keys = new JsonArray();
    for (String provider : new String[] {"openai", "gemini"}) {
      keys.add(admin.create("provider-keys", new JsonObject().put("provider", provider).put("name", provider)
          .put("apiKey", STORED_KEY)).getString("id"));
    }
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "app").put("providerKeyIds", keys))
        .getString("key");
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
  void aVirtualKeyBesideAJunkKeyIsRefusedAndNothingGoesUpstream() throws Exception {
    assertRefused(request("/v1/openai/chat/completions", "Authorization: Bearer x\r\nAuthorization: Bearer "
        + virtualKey + "\r\n", CHAT));
    assertRefused(request("/v1/openai/chat/completions", "Authorization: Bearer x\r\nx-api-key: " + virtualKey
        + "\r\n", CHAT));
    assertRefused(request("/v1/openai/chat/completions", "api-key: " + virtualKey + "\r\nx-goog-api-key: x\r\n", CHAT));
    assertRefused(request(GENERATE + "?key=own-key&key=" + virtualKey, "", GEMINI_BODY));
    assertRefused(request(GENERATE + "?key=own-key&%6Bey=" + virtualKey, "", GEMINI_BODY));
    assertRefused(request(GENERATE + "?KEY=" + virtualKey, "x-goog-api-key: own-key\r\n", GEMINI_BODY));
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void aVirtualKeyBehindAnotherSchemeIsRefusedNotPassedThrough() throws Exception {
    assertRefused(request("/v1/openai/chat/completions", "Authorization: Token " + virtualKey + "\r\n", CHAT));
    assertRefused(request("/v1/openai/chat/completions", "Authorization: Basic x " + virtualKey + "\r\n", CHAT));
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void anyWhitespaceAfterBearerStillResolvesTheVirtualKey() throws Exception {
    RawHttp.Answer answer = request("/v1/openai/chat/completions", "Authorization: bearer\t" + virtualKey + "\r\n", CHAT);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    RecordedRequest received = upstream.last();
    assertThat(received.header("Authorization")).isEqualTo("Bearer " + STORED_KEY);
    assertThat(received.headers().toString()).doesNotContain(virtualKey);
  }

  @Test
  void theSameOwnKeyInTwoPlacesIsStillOneCredential() throws Exception {
    RawHttp.Answer answer = request("/v1/openai/chat/completions",
        "Authorization: Bearer sk-own\r\nx-api-key: sk-own\r\n", CHAT);
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer sk-own");
  }

  private static void assertRefused(RawHttp.Answer answer) {
    assertThat(answer.status()).as(answer.body()).isEqualTo(401);
    assertThat(answer.body()).doesNotContain(virtualKey);
    assertThat(new JsonObject(answer.body()).getJsonObject("error")).isNotNull();
  }

  private static RawHttp.Answer request(String path, String headers, String body) throws Exception {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        + "Content-Length: " + bytes.length + "\r\nConnection: close\r\n" + headers + "\r\n";
    byte[] request = new byte[head.length() + bytes.length];
    System.arraycopy(head.getBytes(StandardCharsets.ISO_8859_1), 0, request, 0, head.length());
    System.arraycopy(bytes, 0, request, head.length(), bytes.length);
    return RawHttp.exchangeFrom("127.0.0.1", portcullis.port(), request, 20_000);
  }
}
