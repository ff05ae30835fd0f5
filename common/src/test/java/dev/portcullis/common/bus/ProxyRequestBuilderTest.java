package dev.portcullis.common.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

class ProxyRequestBuilderTest {

  private final ProxyRequest request = ProxyRequest.builder().provider("openai").operation("chat.completions")
      .method("POST").path("/chat/completions").query("a=b").headers(MultiMap.caseInsensitiveMultiMap().add("x", "y"))
      .body(Buffer.buffer("{}")).credential(UpstreamCredential.SERVER_SIDE).proxyId("p").requestId("r")
      .model("gpt-4o").timeoutMs(5_000).build();

  @Test
  void everyFieldLandsWhereItsNameSays() {
    assertThat(request).isEqualTo(new ProxyRequest("openai", "chat.completions", "POST", "/chat/completions", "a=b",
        request.headers(), request.body(), UpstreamCredential.SERVER_SIDE, "p", "r", "gpt-4o", 5_000, null, 0));
    assertThat(request.stream()).isFalse();
  }

  @Test
  void toBuilderKeepsEveryFieldAndChangesOnlyWhatIsSet() {
    assertThat(request.toBuilder().build()).isEqualTo(request);
    ProxyRequest streamed = request.withStream("portcullis.stream.1", 8);
    assertThat(streamed.stream()).isTrue();
    assertThat(streamed.initialCredit()).isEqualTo(8);
    assertThat(streamed.toBuilder().stream(null, 0).build()).isEqualTo(request);
    assertThat(request.withBody(Buffer.buffer("[]")).body().toString()).isEqualTo("[]");
    assertThat(request.withBody(Buffer.buffer("[]")).model()).isEqualTo("gpt-4o");
  }
}
