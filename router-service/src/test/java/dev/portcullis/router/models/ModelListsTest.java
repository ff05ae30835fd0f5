package dev.portcullis.router.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.bus.UpstreamCredential;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Provider model lists are read in each provider's shape and cached per credential for the TTL. */
class ModelListsTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void readsDataListsAndModelsListsDroppingGeminisPrefixAndEmbeddingOnlyModels() throws Exception {
    assertThat(ProviderModelLists.read("anthropic", JSON.readTree(
        "{\"data\":[{\"id\":\"claude-a\",\"created_at\":\"2025-05-14T00:00:00Z\"},{\"id\":\"\"}]}")))
        .containsExactly(new ListedModel("claude-a", 1747180800L));
    assertThat(ProviderModelLists.read("gemini", JSON.readTree("{\"models\":["
        + "{\"name\":\"models/gemini-2.5-flash\",\"supportedGenerationMethods\":[\"generateContent\"]},"
        + "{\"name\":\"models/text-embedding-004\",\"supportedGenerationMethods\":[\"embedContent\"]}]}")))
        .extracting(ListedModel::id).containsExactly("gemini-2.5-flash");
    assertThat(ProviderModelLists.read("cohere", JSON.readTree("{\"models\":[{\"name\":\"command-r\"}]}")))
        .extracting(ListedModel::id).containsExactly("command-r");
    assertThatThrownBy(() -> ProviderModelLists.read("openai", JSON.readTree("{\"object\":\"list\"}")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void cacheIsPerProviderAndCredentialAndExpires() {
    AtomicLong now = new AtomicLong(1_000);
    ModelListCache cache = new ModelListCache(500, now::get);
    UpstreamCredential a = new UpstreamCredential("key-a", null, Map.of());
    UpstreamCredential b = new UpstreamCredential("key-b", null, Map.of());
    List<ListedModel> models = List.of(new ListedModel("m", 0));

    cache.put("openai", a, models);

    assertThat(cache.get("openai", a)).isEqualTo(models);
    assertThat(cache.get("openai", b)).isNull();
    assertThat(cache.get("groq", a)).isNull();
    now.addAndGet(500);
    assertThat(cache.get("openai", a)).isNull();
  }
}
