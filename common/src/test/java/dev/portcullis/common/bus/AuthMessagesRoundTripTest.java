package dev.portcullis.common.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.TokenResponse;
import dev.portcullis.common.auth.VerifyRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The auth-service messages survive the wire encoding, and the ones holding secrets never print them. */
class AuthMessagesRoundTripTest {

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    BusCodec<T> codec = (BusCodec<T>) BusCodecs.all().stream()
        .filter(c -> c.type() == value.getClass()).findFirst().orElseThrow();
    Buffer wire = Buffer.buffer("prefix");
    int pos = wire.length();
    codec.encodeToWire(wire, value);
    return codec.decodeFromWire(pos, wire);
  }

  @Test
  void verifyRequestRoundTripsAndHidesTheKey() {
    VerifyRequest request = new VerifyRequest("pc-vk-secretsecret", "10.0.0.1");
    assertThat(roundTrip(request)).isEqualTo(request);
    assertThat(request.toString()).doesNotContain("secretsecret");
  }

  @Test
  void principalRoundTripsWithItsCredentials() {
    Principal principal = new Principal("vk-1", Principal.Kind.VIRTUAL_KEY, "ci", List.of("p1", "p2"),
        Map.of("openai", List.of(new UpstreamCredential("sk-abc", "http://h/v1", Map.of("OpenAI-Project", "x"), false, "pk-1", 3),
            new UpstreamCredential("sk-abd", null, Map.of(), false, "pk-2", 1)),
            "anthropic", List.of(new UpstreamCredential("sk-ant", null, Map.of()))),
        1234L);
    assertThat(roundTrip(principal)).isEqualTo(principal);
    assertThat(principal.toString()).doesNotContain("sk-abc").doesNotContain("sk-ant");
  }

  @Test
  void tokenMessagesRoundTripAndHideSecrets() {
    TokenRequest request = new TokenRequest(Map.of("grant_type", "client_credentials", "client_secret", "s3cret"),
        "Basic abc", "127.0.0.1");
    assertThat(roundTrip(request)).isEqualTo(request);
    assertThat(request.toString()).doesNotContain("s3cret").doesNotContain("Basic abc");

    TokenResponse response = new TokenResponse(200, new JsonObject().put("access_token", "tok").put("expires_in", 3600),
        Map.of("Cache-Control", "no-store"));
    assertThat(roundTrip(response)).isEqualTo(response);
    assertThat(response.toString()).doesNotContain("tok");
  }

  @Test
  void proxyDirectoryRoundTrips() {
    LlmProxyDirectory directory = new LlmProxyDirectory(Map.of("id-1", "default", "id-2", "team"), "id-1");
    assertThat(roundTrip(directory)).isEqualTo(directory);
  }

  @Test
  void proxyDirectoryRoundTripsWithAuditLevelsAndPolicies() {
    String document = "{\"toolInvocation\":[{\"tool\":\"send_*\",\"action\":\"block\"}],"
        + "\"trustedData\":{\"default\":\"untrusted\",\"rules\":[]},\"sensitiveData\":[]}";
    LlmProxyDirectory directory = new LlmProxyDirectory(Map.of("id-1", "default", "id-2", "team"), "id-1",
        Map.of("id-2", "full"), Map.of("id-2", document));
    LlmProxyDirectory copy = roundTrip(directory);
    assertThat(copy).isEqualTo(directory);
    assertThat(copy.policies("id-2")).isEqualTo(document);
    assertThat(copy.policies("id-1")).isNull();
    assertThat(copy.policies(null)).isNull();
    assertThat(copy.auditLevel("id-2")).isEqualTo("full");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aDirectoryFromAnOlderAuthServiceHasNoPolicies() {
    BusCodec<LlmProxyDirectory> codec = (BusCodec<LlmProxyDirectory>) BusCodecs.all().stream()
        .filter(c -> c.type() == LlmProxyDirectory.class).findFirst().orElseThrow();
    // The header an auth-service without audit levels and policies wrote, and no body.
    Buffer head = new JsonObject().put("names", new JsonObject().put("id-1", "default")).put("defaultId", "id-1")
        .toBuffer();
    Buffer wire = Buffer.buffer().appendInt(head.length()).appendBuffer(head).appendInt(-1);
    LlmProxyDirectory decoded = codec.decodeFromWire(0, wire);
    assertThat(decoded.namesById()).containsEntry("id-1", "default");
    assertThat(decoded.policies()).isEmpty();
    assertThat(decoded.auditLevels()).isEmpty();
  }
}
