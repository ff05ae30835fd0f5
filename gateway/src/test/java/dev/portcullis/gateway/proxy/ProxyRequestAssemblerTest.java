package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.provider.Operation;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The call upstream carries the client's request, never a Portcullis credential. */
class ProxyRequestAssemblerTest {

  private static final String VIRTUAL_KEY = "pc-vk-0123456789abcdef";
  private final ProxyRequestAssembler assembler = new ProxyRequestAssembler(60_000);

  @Test
  void aVirtualKeyIsStrippedFromAuthorizationAndTheQuery() {
    Call call = TestCalls.openAiChat();
    UpstreamCredential stored = new UpstreamCredential("sk-stored", null, Map.of());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Authorization", "Bearer " + VIRTUAL_KEY)
        .add("x-goog-api-key", VIRTUAL_KEY)
        .add("OpenAI-Beta", "assistants=v2")
        .add("Connection", "keep-alive")
        .add("Host", "portcullis.local");

    ProxyRequest request = assembler.assemble(call,
        new ClientRequest("POST", headers, "api-version=1&key=" + VIRTUAL_KEY + "&KEY=x"), "openai",
        Admission.granted("proxy-1", stored, true), "gpt-4o", Buffer.buffer("{}"));

    assertThat(request.headers().names()).containsExactly("OpenAI-Beta");
    assertThat(request.query()).isEqualTo("api-version=1");
    assertThat(request.credential()).isSameAs(stored);
    assertThat(request.provider()).isEqualTo("openai");
    assertThat(request.operation()).isEqualTo(Operation.CHAT_COMPLETIONS.wireName());
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/chat/completions");
    assertThat(request.proxyId()).isEqualTo("proxy-1");
    assertThat(request.requestId()).isEqualTo(call.requestId);
    assertThat(request.model()).isEqualTo("gpt-4o");
    assertThat(request.timeoutMs()).isEqualTo(60_000);
    assertThat(request.body().toString()).isEqualTo("{}");
    assertThat(request.stream()).isFalse();
  }

  @Test
  void aQueryOfOnlyTheKeyGoesUpstreamAsNone() {
    ProxyRequest request = assembler.assemble(TestCalls.openAiChat(),
        new ClientRequest("POST", MultiMap.caseInsensitiveMultiMap(), "%6Bey=" + VIRTUAL_KEY), "openai",
        Admission.granted(null, new UpstreamCredential("sk", null, Map.of()), true), null, null);

    assertThat(request.query()).isNull();
    assertThat(request.body().length()).isZero();
  }

  @Test
  void aPassthroughKeyGoesUpstreamAsTheClientSentIt() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("x-api-key", "sk-ant-own").add("anthropic-version", "1");

    ProxyRequest request = assembler.assemble(TestCalls.call("anthropic", Operation.MESSAGES),
        new ClientRequest("POST", headers, "beta=true"), "anthropic", Admission.granted(null, null, false),
        "claude-sonnet-4-5", Buffer.buffer("{}"));

    assertThat(request.headers().get("x-api-key")).isEqualTo("sk-ant-own");
    assertThat(request.headers().get("anthropic-version")).isEqualTo("1");
    assertThat(request.query()).isEqualTo("beta=true");
    assertThat(request.credential()).isNull();
  }
}
