package dev.portcullis.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.common.provider.Providers;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The model and stream flag of a call, read where its route says they are. */
class BodySnifferTest {

  private final BodySniffer sniffer = new BodySniffer(1_000_000);

  @Test
  void theBodyFlagDecidesWhetherAChatStreams() {
    ProviderRoute chat = route("openai", Operation.CHAT_COMPLETIONS, null);

    BodySniffer.Sniffed streamed = sniffer.sniff(chat, Map.of(),
        Buffer.buffer("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"));
    assertThat(streamed).isEqualTo(new BodySniffer.Sniffed("gpt-4o", "gpt-4o", true));
    assertThat(sniffer.sniff(chat, Map.of(), Buffer.buffer("{\"model\":\"gpt-4o\"}")).stream()).isFalse();
    assertThat(sniffer.sniff(chat, Map.of(), Buffer.buffer("{\"stream\":\"yes\"}")).stream()).isFalse();
    assertThat(BodySniffer.alwaysStreams(chat)).isFalse();
  }

  @Test
  void aStreamingRouteStreamsWhateverTheBodySays() {
    ProviderRoute stream = route("gemini", Operation.STREAM_GENERATE_CONTENT, null);

    BodySniffer.Sniffed sniffed = sniffer.sniff(stream, Map.of("model", "gemini-2.5-flash"),
        Buffer.buffer("{\"stream\":false,\"contents\":[]}"));
    assertThat(sniffed).isEqualTo(new BodySniffer.Sniffed(null, "gemini-2.5-flash", true));
    assertThat(BodySniffer.alwaysStreams(stream)).isTrue();
  }

  @Test
  void theBodysModelWinsOverThePathsAndTokenCountingNeverStreams() {
    ProviderRoute count = route("anthropic", Operation.MESSAGES_COUNT_TOKENS, null);

    BodySniffer.Sniffed sniffed = sniffer.sniff(count, Map.of(),
        Buffer.buffer("{\"model\":\"claude-sonnet-4-5\",\"stream\":true}"));
    assertThat(sniffed).isEqualTo(new BodySniffer.Sniffed("claude-sonnet-4-5", "claude-sonnet-4-5", false));
  }

  @Test
  void aBodyThatIsNotJsonIsForwardedUnread() {
    ProviderRoute invoke = route("bedrock", Operation.INVOKE, "modelId");

    BodySniffer.Sniffed sniffed = sniffer.sniff(invoke, Map.of("modelId", "amazon.titan"), Buffer.buffer("not json"));
    assertThat(sniffed).isEqualTo(new BodySniffer.Sniffed(null, "amazon.titan", false));
  }

  @Test
  void aJsonRouteRefusesWhatIsNotOneJsonObject() {
    ProviderRoute chat = route("openai", Operation.CHAT_COMPLETIONS, null);

    assertThatThrownBy(() -> sniffer.sniff(chat, Map.of(), Buffer.buffer("[1]")))
        .isInstanceOfSatisfying(GatewayException.class, e -> {
          assertThat(e.error().status()).isEqualTo(400);
          assertThat(e.error().message()).isEqualTo("The request body must be a JSON object.");
        });
    assertThatThrownBy(() -> sniffer.sniff(chat, Map.of(), Buffer.buffer())).isInstanceOf(GatewayException.class)
        .hasMessageContaining("The request body is empty.");
  }

  private static ProviderRoute route(String provider, Operation operation, String modelParam) {
    return Providers.require(provider).routes().stream()
        .filter(r -> r.operation() == operation && (modelParam == null || modelParam.equals(r.modelParam())))
        .findFirst().orElseThrow();
  }
}
