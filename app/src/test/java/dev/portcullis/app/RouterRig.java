package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import dev.portcullis.testkit.RecordedRequest;
import dev.portcullis.testkit.RecordingUpstream;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/**
 * A Portcullis for model router tests: a recording upstream for one native provider, a stored key
 * for it, an LLM proxy, a virtual key mapped to that key, and openai-java pointed at
 * {@code /v1/model-router/<proxy-id>}.
 */
final class RouterRig implements AutoCloseable {

  final Vertx upstreamVertx = Vertx.vertx();
  final RecordingUpstream upstream = RecordingUpstream.start(upstreamVertx);
  final PortcullisUnderTest portcullis;
  final AdminClient admin;
  final String proxyId;
  final String virtualKey;
  final OpenAIClient client;
  private final HttpClient http = HttpClient.newHttpClient();

  /**
   * @param provider    the provider whose stored key the virtual key maps
   * @param storedKey   that key
   * @param environment the settings pointing the provider at {@link #upstream} (use {@link #baseUrl})
   */
  RouterRig(String provider, String storedKey, Map<String, String> environment) {
    Map<String, String> env = new HashMap<>();
    environment.forEach((name, path) -> env.put(name, upstream.baseUrl(path)));
    portcullis = PortcullisUnderTest.start(env);
    admin = new AdminClient(portcullis.adminUrl(), PortcullisUnderTest.ADMIN_TOKEN);
    proxyId = admin.create("llm-proxies", new JsonObject().put("name", "router-" + provider)).getString("id");
    String keyId = admin.create("provider-keys", new JsonObject().put("provider", provider)
        .put("name", "team-" + provider).put("apiKey", storedKey)).getString("id");
    virtualKey = admin.create("virtual-keys", new JsonObject().put("name", "router-" + provider)
        .put("providerKeyIds", new JsonArray().add(keyId))).getString("key");
    client = OpenAIOkHttpClient.builder().baseUrl(portcullis.url("/v1/model-router/" + proxyId))
        .apiKey(virtualKey).maxRetries(0).build();
  }

  /** A raw call to the router, for what the SDK hides (headers, exact stream bytes). */
  HttpResponse<String> post(String path, String body) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(portcullis.url("/v1/model-router/" + proxyId + path)))
        .header("Authorization", "Bearer " + virtualKey).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The last request the native upstream received: on {@code path}, carrying the stored key in
   * {@code header}, and holding the virtual key nowhere (headers, body or query).
   */
  RecordedRequest lastUpstreamCall(String path, String header, String expected) {
    RecordedRequest last = upstream.last();
    assertThat(last.path()).isEqualTo(path);
    assertThat(last.header(header)).isEqualTo(expected);
    assertThat(last.headers().toString() + last.bodyText() + last.query()).doesNotContain(virtualKey);
    return last;
  }

  @Override
  public void close() {
    client.close();
    portcullis.close();
    upstream.close();
    upstreamVertx.close().await();
  }
}
