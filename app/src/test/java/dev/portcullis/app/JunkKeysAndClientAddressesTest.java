package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Point 5 of issue 10 end to end: made-up virtual keys are refused by the gateway without a
 * lookup, and the failed-lookup limiter counts the client a trusted proxy names in
 * {@code X-Forwarded-For} (here the test itself, on loopback, is that proxy), IPv6 per /64, and
 * never refuses a valid key.
 */
class JunkKeysAndClientAddressesTest {

  private static final String STORED_KEY = "sk-stored-provider-key-junk-test-0123";
  private static final String BODY = "{\"model\":\"gpt-4o\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static PortcullisUnderTest portcullis;
  private static AdminClient admin;
  private static String providerKeyId;
  private static final AtomicInteger verifyRequests = new AtomicInteger();

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    upstream.on("POST", "/v1/chat/completions", RecordingUpstream.json(200, OpenAiWire.chatCompletion("gpt-4o", "hi", 2, 1)));
    portcullis = PortcullisUnderTest.start(Map.of("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1"),
        "PORTCULLIS_TRUSTED_PROXIES", "127.0.0.1/32"));
    portcullis.portcullis().vertx().eventBus().addOutboundInterceptor(delivery -> {
      if (Addresses.AUTH_VERIFY.equals(delivery.message().address())) {
        verifyRequests.incrementAndGet();
      }
      delivery.next();
    });
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    providerKeyId = admin.create("provider-keys", new JsonObject().put("provider", "openai")
        .put("name", "team-openai").put("apiKey", STORED_KEY)).getString("id");
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

  private static String virtualKey() {
    return admin.create("virtual-keys", new JsonObject().put("name", "k-" + System.nanoTime())
        .put("providerKeyIds", new JsonArray().add(providerKeyId))).getString("key");
  }

  /** Keys that were issued and deleted: right checksum, so each costs a lookup that fails. */
  private static List<String> deletedKeys(int count) {
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      JsonObject key = admin.create("virtual-keys", new JsonObject().put("name", "gone-" + System.nanoTime())
          .put("providerKeyIds", new JsonArray().add(providerKeyId)));
      admin.send("DELETE", "/api/admin/virtual-keys/" + key.getString("id"), null);
      keys.add(key.getString("key"));
    }
    return keys;
  }

  private static HttpResponse<String> post(String key, String forwardedFor) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(portcullis.url("/v1/openai/chat/completions")))
        .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(BODY));
    if (forwardedFor != null) {
      request.header("X-Forwarded-For", forwardedFor);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void madeUpVirtualKeysAre401WithoutALookupAndNeverReachTheUpstream() throws Exception {
    String valid = virtualKey();
    int before = verifyRequests.get();
    List<String> junk = List.of("pc-vk-x", "pc-vk-" + "x".repeat(40), "pc-vk-" + RandomTokens.base62(40),
        "pc-vk-" + RandomTokens.base62(51), valid.substring(0, valid.length() - 1) + (valid.endsWith("a") ? "b" : "a"));
    for (String key : junk) {
      HttpResponse<String> refused = post(key, null);
      assertThat(refused.statusCode()).as(key).isEqualTo(401);
      assertThat(new JsonObject(refused.body()).getJsonObject("error").getString("message"))
          .isEqualTo("Invalid virtual key").doesNotContain(key);
    }
    // Far past the limiter's ten: junk is never counted, nothing is looked up, nothing is blocked.
    for (int i = 0; i < 40; i++) {
      assertThat(post("pc-vk-" + RandomTokens.base62(51), "198.51.100.40").statusCode()).isEqualTo(401);
    }
    assertThat(verifyRequests.get() - before).as("lookups at auth-service").isZero();
    assertThat(upstream.received()).isEmpty();

    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(portcullis.providerUrl("openai")).apiKey("pc-vk-"
        + RandomTokens.base62(51)).maxRetries(0).build();
    Assertions.assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
        .model("gpt-4o").addUserMessage("hi").build())).isInstanceOf(UnauthorizedException.class);
    client.close();
    assertThat(post(valid, "198.51.100.40").statusCode()).isEqualTo(200);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + STORED_KEY);
  }

  @Test
  void clientsBehindATrustedProxyAreCountedApartAndAValidKeyIsNeverRefused() throws Exception {
    String valid = virtualKey();
    List<String> gone = deletedKeys(12);
    String blocked = "203.0.113.7";
    for (int i = 0; i < 10; i++) {
      assertThat(post(gone.get(i), blocked).statusCode()).isEqualTo(401);
    }
    assertThat(post(gone.get(10), blocked).statusCode()).isEqualTo(429);
    // Forging a left part changes nothing: the proxy's rightmost entry names the client.
    assertThat(post(gone.get(11), "192.0.2.99, " + blocked).statusCode()).isEqualTo(429);
    // Another client behind the same proxy is not blocked by its neighbour.
    assertThat(post(gone.get(11), "203.0.113.8").statusCode()).isEqualTo(401);
    // And the blocked client's own valid key still works.
    assertThat(post(valid, blocked).statusCode()).isEqualTo(200);
    assertThat(upstream.received()).hasSize(1);
  }

  @Test
  void ipv6ClientsAreCountedPerSlash64() throws Exception {
    List<String> gone = deletedKeys(12);
    for (int i = 0; i < 10; i++) {
      assertThat(post(gone.get(i), "2001:db8:5:6::" + Integer.toHexString(i + 1)).statusCode()).isEqualTo(401);
    }
    assertThat(post(gone.get(10), "2001:db8:5:6:ffff::beef").statusCode()).isEqualTo(429);
    assertThat(post(gone.get(11), "2001:db8:5:7::1").statusCode()).isEqualTo(401);
  }
}
