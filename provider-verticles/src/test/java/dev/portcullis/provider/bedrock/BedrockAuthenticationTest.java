package dev.portcullis.provider.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.provider.NativeProviders;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Bedrock's upstream authentication for each kind of caller, with IAM off. */
class BedrockAuthenticationTest {

  private static final String URL = "https://bedrock-runtime.us-east-1.amazonaws.com/model/m/converse";

  private static MultiMap client(String authorization) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json")
        .add("x-amz-date", "20261125T000000Z");
    if (authorization != null) {
      headers.add("Authorization", authorization);
    }
    return headers;
  }

  private static Future<MultiMap> headers(String defaultKey, UpstreamCredential credential, String authorization) {
    return new BedrockAuthentication(defaultKey, null, null, Clock.systemUTC())
        .headersFor(credential, "POST", URL, client(authorization), Buffer.buffer("{}"));
  }

  private static GatewayException refusal(Future<MultiMap> result) {
    assertThat(result.failed()).isTrue();
    GatewayException e = (GatewayException) result.cause();
    assertThat(e.error().kind()).isEqualTo(ErrorKind.AUTHENTICATION);
    return e;
  }

  @Test
  void aStoredKeyReplacesWhateverTheClientSent() {
    MultiMap sent = headers(null, new UpstreamCredential("stored", null, Map.of()), "AWS4-HMAC-SHA256 Credential=x")
        .result();
    assertThat(sent.getAll("Authorization")).containsExactly("Bearer stored");
    assertThat(sent.get("x-amz-date")).isNull();
  }

  @Test
  void aServerSideCallerGetsTheDefaultKeyOrAClearRefusal() {
    assertThat(headers("default", UpstreamCredential.SERVER_SIDE, null).result().get("Authorization"))
        .isEqualTo("Bearer default");
    assertThat(refusal(headers(null, UpstreamCredential.SERVER_SIDE, null)).error().message())
        .contains(NativeProviders.BEDROCK.defaultKeySetting())
        .contains(NativeProviders.BEDROCK.serverIdentity().setting());
  }

  @Test
  void passthroughForwardsABearerAndRefusesASignatureOrNothing() {
    MultiMap client = client("Bearer own-key");
    assertThat(new BedrockAuthentication(null, null, null, Clock.systemUTC())
        .headersFor(null, "POST", URL, client, Buffer.buffer()).result()).isSameAs(client);
    assertThat(refusal(headers(null, null, "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=y")).error().message())
        .contains("SigV4").contains("Bedrock API key").doesNotContain("AKID");
    assertThat(refusal(headers("default", null, null)).error().message()).contains("Bearer");
  }
}
