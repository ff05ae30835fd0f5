package dev.portcullis.provider.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.provider.NativeProviders;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.UpstreamCall;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which key reaches AI Studio for each kind of resolved credential. */
class GeminiCredentialsTest {

  private static GeminiProviderVerticle verticle(JsonObject settings) {
    return new GeminiProviderVerticle(new Settings(settings.put(GeminiProviderVerticle.BASE_URL, "https://gemini.test")),
        new ProviderSettings(1000, 1000), new SimpleMeterRegistry());
  }

  private static ProxyRequest request(UpstreamCredential credential, String query) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-goog-api-key", "client-key")
        .add("X-Goog-User-Project", "clients-project").add("content-type", "application/json");
    return ProxyRequest.builder().provider("gemini").operation(Operation.GENERATE_CONTENT.wireName()).method("POST")
        .path("/v1beta/models/m:generateContent").query(query).headers(headers).body(Buffer.buffer("{}"))
        .credential(credential).requestId("r1").model("m").timeoutMs(1000).build();
  }

  /** The call as the verticle makes it: account selectors dropped first, then prepared. */
  private static UpstreamCall prepared(GeminiProviderVerticle verticle, ProxyRequest request) {
    return verticle.prepare(verticle.withOnlyPortcullisAccount(request)).await();
  }

  @Test
  void aStoredKeyReplacesTheClientsHeaderAndQueryKey() {
    UpstreamCall call = prepared(verticle(new JsonObject()),
        request(new UpstreamCredential("stored-key", null, Map.of("x-goog-user-project", "p1")),
            "KEY=client&alt=sse&%6Bey=client2&userProject=theirs"));

    assertThat(call.url()).isEqualTo("https://gemini.test/v1beta/models/m:generateContent?alt=sse");
    assertThat(call.headers().getAll("x-goog-api-key")).containsExactly("stored-key");
    assertThat(call.headers().get("x-goog-user-project")).isEqualTo("p1");
  }

  @Test
  void aServerSideCallerGetsTheDefaultKeyOrAClearRefusal() {
    UpstreamCall call = prepared(verticle(new JsonObject().put(NativeProviders.GEMINI.defaultKeySetting(), "default-key")),
        request(UpstreamCredential.SERVER_SIDE, null));
    assertThat(call.headers().get("x-goog-api-key")).isEqualTo("default-key");
    assertThat(call.headers().get("x-goog-user-project")).isNull();

    assertThatThrownBy(() -> verticle(new JsonObject()).prepare(request(UpstreamCredential.SERVER_SIDE, null)))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().kind()).isEqualTo(ErrorKind.AUTHENTICATION);
          assertThat(e.error().message()).contains(NativeProviders.GEMINI.defaultKeySetting()).doesNotContain("client-key");
        });
  }

  @Test
  void passthroughForwardsTheClientsOwnHeadersUntouched() {
    ProxyRequest request = request(null, "key=client");
    UpstreamCall call = prepared(verticle(new JsonObject()), request);

    assertThat(call.url()).endsWith("?key=client");
    assertThat(call.headers().get("x-goog-user-project")).isEqualTo("clients-project");
    assertThat(call.headers()).isSameAs(request.headers());
  }
}
