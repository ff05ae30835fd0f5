package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.errors.NotFoundException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.models.Model;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.testkit.OpenAiCompatibleWire;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.vertx.core.Vertx;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What sets the compatible providers apart: provider-specific fields relayed byte for byte
 * (streaming and not), keyless Ollama and vLLM, vLLM off until configured, MiniMax's two base-URL
 * settings and configured model list, and the default key used only for server-side credentials.
 */
class CompatibleProviderQuirksTest {

  private static final String KEY = "sk-client-key-quirks";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  /** vLLM configured; MiniMax through its second setting with its own model list; default keys set. */
  private static PortcullisUnderTest configured;
  /** Nothing configured: vLLM is off. */
  private static PortcullisUnderTest bare;

  @BeforeAll
  static void start() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    configured = PortcullisUnderTest.start(Map.of(
        "ARCHESTRA_PERPLEXITY_BASE_URL", upstream.baseUrl("/pplx"),
        "ARCHESTRA_MINIMAX_BASE_URL", upstream.baseUrl("/minimax/v1"),
        "ARCHESTRA_MINIMAX_MODELS", "MiniMax-M2.5, MiniMax-M2.5-highspeed",
        "ARCHESTRA_OLLAMA_BASE_URL", upstream.baseUrl("/ollama/v1"),
        "ARCHESTRA_VLLM_BASE_URL", upstream.baseUrl("/vllm/v1"),
        "ARCHESTRA_GROQ_BASE_URL", upstream.baseUrl("/groq/openai/v1"),
        "ARCHESTRA_CHAT_GROQ_API_KEY", "gsk-server-default"));
    bare = PortcullisUnderTest.start(Map.of());
  }

  @AfterAll
  static void stop() {
    configured.close();
    bare.close();
    upstream.close();
    upstreamVertx.close().await();
  }

  @BeforeEach
  void clear() {
    upstream.reset();
  }

  private static HttpResponse<byte[]> post(String url, String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static void withClient(String baseUrl, java.util.function.Consumer<OpenAIClient> test) {
    OpenAIClient client = OpenAIOkHttpClient.builder().baseUrl(baseUrl).apiKey(KEY).maxRetries(0).build();
    try {
      test.accept(client);
    } finally {
      client.close();
    }
  }

  @Test
  void perplexityCitationsAndSearchResultsReachTheClientByteForByte() throws Exception {
    String answer = OpenAiCompatibleWire.perplexityCompletion();
    upstream.on("POST", "/pplx/chat/completions", RecordingUpstream.json(200, answer));

    HttpResponse<byte[]> raw = post(configured.providerUrl("perplexity") + "/chat/completions", "Bearer " + KEY,
        "{\"model\":\"sonar-pro\",\"messages\":[{\"role\":\"user\",\"content\":\"Weather?\"}]}");
    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(new String(raw.body(), StandardCharsets.UTF_8)).isEqualTo(answer);

    withClient(configured.providerUrl("perplexity"), client -> {
      ChatCompletion completion = client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("sonar-pro").addUserMessage("Weather?").build());
      assertThat(completion._additionalProperties().get("citations"))
          .isEqualTo(JsonValue.from(List.of("https://example.org/a", "https://example.org/b")));
      assertThat(completion._additionalProperties()).containsKey("search_results");
    });
    assertThat(upstream.last().path()).isEqualTo("/pplx/chat/completions");
  }

  @Test
  void streamedProviderFieldsAreRelayedAsTheyComeAndUnchanged() throws Exception {
    for (String provider : List.of("perplexity", "minimax")) {
      List<String> payloads = provider.equals("perplexity") ? OpenAiCompatibleWire.perplexityStream()
          : OpenAiCompatibleWire.minimaxStream();
      // The first event, then a gate: the client must see it while the upstream still holds the rest.
      SseScript script = SseScript.create().data(payloads.get(0)).gate("rest");
      payloads.subList(1, payloads.size()).forEach(script::data);
      script.data("[DONE]");
      upstream.on("POST", (provider.equals("perplexity") ? "/pplx" : "/minimax/v1") + "/chat/completions", script);

      HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(
              URI.create(configured.providerUrl(provider) + "/chat/completions"))
          .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"m\",\"stream\":true,\"messages\":[]}")).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      assertThat(response.statusCode()).isEqualTo(200);
      String firstEvent = "data: " + payloads.get(0) + "\n\n";
      try (InputStream in = response.body()) {
        byte[] first = in.readNBytes(firstEvent.getBytes(StandardCharsets.UTF_8).length);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(firstEvent);
        assertThat(script.finished()).isNotDone();
        script.open("rest");
        ByteArrayOutputStream rest = new ByteArrayOutputStream();
        in.transferTo(rest);
        StringBuilder expected = new StringBuilder();
        payloads.subList(1, payloads.size()).forEach(p -> expected.append("data: ").append(p).append("\n\n"));
        expected.append("data: [DONE]\n\n");
        assertThat(rest.toString(StandardCharsets.UTF_8)).isEqualTo(expected.toString());
      }
    }
  }

  @Test
  void minimaxReasoningDetailsPassThroughAndItsSecondBaseUrlSettingWorks() throws Exception {
    String answer = OpenAiCompatibleWire.minimaxCompletion();
    upstream.on("POST", "/minimax/v1/chat/completions", RecordingUpstream.json(200, answer));

    HttpResponse<byte[]> raw = post(configured.providerUrl("minimax") + "/chat/completions", "Bearer " + KEY,
        "{\"model\":\"MiniMax-M2\",\"reasoning_split\":true,\"messages\":[{\"role\":\"user\",\"content\":\"?\"}]}");

    assertThat(new String(raw.body(), StandardCharsets.UTF_8)).isEqualTo(answer);
    assertThat(upstream.last().path()).isEqualTo("/minimax/v1/chat/completions");
    assertThat(upstream.last().json().getBoolean("reasoning_split")).isTrue();
  }

  @Test
  void minimaxModelListComesFromItsSetting() {
    withClient(configured.providerUrl("minimax"), client -> {
      List<Model> models = client.models().list().autoPager().stream().toList();
      assertThat(models).extracting(Model::id).containsExactly("MiniMax-M2.5", "MiniMax-M2.5-highspeed");
      assertThat(models.get(0).ownedBy()).isEqualTo("minimax");
    });
    assertThat(upstream.received()).isEmpty();
  }

  @Test
  void ollamaAndVllmAcceptCallsWithoutAKey() throws Exception {
    for (String provider : List.of("ollama", "vllm")) {
      upstream.reset();
      upstream.on("POST", "/" + provider + "/v1/chat/completions",
          RecordingUpstream.json(200, OpenAiWire.chatCompletion("llama3.2", "local answer", 3, 2)));

      HttpResponse<byte[]> response = post(configured.providerUrl(provider) + "/chat/completions", null,
          "{\"model\":\"llama3.2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("local answer");
      RecordedRequest received = upstream.last();
      assertThat(received.path()).isEqualTo("/" + provider + "/v1/chat/completions");
      assertThat(received.header("Authorization")).isNull();
    }
  }

  @Test
  void vllmIsOffUntilConfiguredAndSaysHowToTurnItOn() {
    withClient(bare.providerUrl("vllm"), client -> {
      assertThatThrownBy(() -> client.chat().completions().create(ChatCompletionCreateParams.builder()
          .model("m").addUserMessage("hi").build()))
          .isInstanceOfSatisfying(NotFoundException.class, e -> assertThat(e.getMessage())
              .contains("vLLM is not enabled").contains("ARCHESTRA_VLLM_BASE_URL")
              .contains("add a vLLM provider key with a base URL"));
      assertThatThrownBy(() -> client.models().list())
          .isInstanceOf(NotFoundException.class).hasMessageContaining("ARCHESTRA_VLLM_BASE_URL");
    });
  }

  @Test
  void aVllmProviderKeysBaseUrlEnablesItWithoutTheSetting() {
    upstream.on("POST", "/per-key-vllm/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("qwen", "from the key's server", 1, 1)));

    Object reply = ProviderBus.call(bare.portcullis().vertx(), "vllm", "chat.completions", "POST",
        "/chat/completions", ProviderBus.jsonHeaders(null), "{\"model\":\"qwen\",\"messages\":[]}", "qwen",
        new UpstreamCredential(null, upstream.baseUrl("/per-key-vllm/v1/"), Map.of()));

    assertThat(reply).isInstanceOfSatisfying(ProxyResponse.class, r -> assertThat(r.status()).isEqualTo(200));
    assertThat(upstream.last().path()).isEqualTo("/per-key-vllm/v1/chat/completions");
    assertThat(upstream.last().header("Authorization")).isNull();
  }

  @Test
  void theDefaultKeyIsUsedOnlyForServerSideCredentialsAndNeverLeaksTheCallersOwnCredential() throws Exception {
    upstream.on("POST", "/groq/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("llama", "ok", 1, 1)));
    String body = "{\"model\":\"llama\",\"messages\":[]}";

    // Passthrough: the client's own key, untouched.
    post(configured.providerUrl("groq") + "/chat/completions", "Bearer " + KEY, body);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer " + KEY);

    // Server-side: the configured default key; the caller's virtual key stays in the proxy.
    ProviderBus.call(configured.portcullis().vertx(), "groq", "chat.completions", "POST", "/chat/completions",
        ProviderBus.jsonHeaders("Bearer pc-vk-0123456789abcdefghijklmnopqrstuv"), body, "llama",
        UpstreamCredential.SERVER_SIDE);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer gsk-server-default");

    // A stored key with its own base URL and extra headers.
    upstream.on("POST", "/groq-eu/openai/v1/chat/completions",
        RecordingUpstream.json(200, OpenAiWire.chatCompletion("llama", "ok", 1, 1)));
    ProviderBus.call(configured.portcullis().vertx(), "groq", "chat.completions", "POST", "/chat/completions",
        ProviderBus.jsonHeaders("Bearer pc-vk-0123456789abcdefghijklmnopqrstuv"), body, "llama",
        new UpstreamCredential("gsk-stored", upstream.baseUrl("/groq-eu/openai/v1"), Map.of("X-Team", "blue")));
    RecordedRequest stored = upstream.last();
    assertThat(stored.path()).isEqualTo("/groq-eu/openai/v1/chat/completions");
    assertThat(stored.header("Authorization")).isEqualTo("Bearer gsk-stored");
    assertThat(stored.header("X-Team")).isEqualTo("blue");
  }

  @Test
  void serverSideWithoutADefaultKeyIsRefusedForProvidersThatNeedOne() {
    upstream.on("POST", "/pplx/chat/completions", RecordingUpstream.json(200, "{}"));

    Object reply = ProviderBus.call(configured.portcullis().vertx(), "perplexity", "chat.completions", "POST",
        "/chat/completions", ProviderBus.jsonHeaders(null), "{\"model\":\"sonar\"}", "sonar",
        UpstreamCredential.SERVER_SIDE);

    assertThat(reply).isInstanceOfSatisfying(GatewayError.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.AUTHENTICATION);
      assertThat(e.message()).contains("ARCHESTRA_CHAT_PERPLEXITY_API_KEY");
    });
    assertThat(upstream.received()).isEmpty();
  }
}
