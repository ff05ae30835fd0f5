package dev.portcullis.examples.busclient;

import dev.portcullis.testkit.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.provider.compat.OpenAiCompatibleProviderVerticle;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.testkit.ClusterCertificates;
import dev.portcullis.testkit.OpenAiWire;
import dev.portcullis.testkit.RecordingUpstream;
import dev.portcullis.testkit.SseScript;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The example's call across a real cluster: two Hazelcast members, joined with the example's own
 * configuration (event bus TLS with member certificates from a CA made for the test), one running
 * the openai provider verticle, the other the call. Every message between them is encoded with the
 * wire codecs, as between two processes.
 */
class ClusteredStreamingChatCallTest {

  private static Vertx upstreamVertx;
  private static RecordingUpstream upstream;
  private static Vertx providerNode;
  private static Vertx clientNode;

  private static int freePort() {
    return FreePorts.next();
  }

  @BeforeAll
  static void cluster() {
    upstreamVertx = Vertx.vertx();
    upstream = RecordingUpstream.start(upstreamVertx);
    int providerPort = freePort();
    int clientPort = freePort();
    List<String> members = List.of("127.0.0.1:" + providerPort, "127.0.0.1:" + clientPort);
    String name = "example-test-" + ProcessHandle.current().pid();
    ClusterCertificates ca = ClusterCertificates.newAuthority("example-test-ca");
    Path dir = Path.of("target", "example-test-tls-" + ProcessHandle.current().pid());
    Map<String, String> providerTls = ca.issue("provider").writePem(dir.resolve("provider"));
    Map<String, String> clientTls = ca.issue("client").writePem(dir.resolve("client"));
    List<Vertx> nodes = Future.all(
        Vertx.builder().with(vertxOptions(providerTls))
            .withClusterManager(new HazelcastClusterManager(Main.hazelcastConfig(name, members, providerPort)))
            .buildClustered(),
        Vertx.builder().with(vertxOptions(clientTls))
            .withClusterManager(new HazelcastClusterManager(Main.hazelcastConfig(name, members, clientPort)))
            .buildClustered())
        .await().list();
    providerNode = nodes.get(0);
    clientNode = nodes.get(1);
    BusCodecs.register(providerNode);
    BusCodecs.register(clientNode);
    Settings settings = new Settings(new JsonObject().put("ARCHESTRA_OPENAI_BASE_URL", upstream.baseUrl("/v1")));
    providerNode.deployVerticle(new OpenAiCompatibleProviderVerticle(Providers.require("openai"), settings,
        ProviderSettings.from(settings), new SimpleMeterRegistry())).await();
  }

  private static VertxOptions vertxOptions(Map<String, String> tls) {
    return new VertxOptions().setEventBusOptions(Main.eventBusOptions(tls.get("PORTCULLIS_CLUSTER_TLS_CERT"),
        tls.get("PORTCULLIS_CLUSTER_TLS_KEY"), tls.get("PORTCULLIS_CLUSTER_TLS_CA")));
  }

  @AfterAll
  static void stop() {
    Future.join(clientNode.close(), providerNode.close()).await();
    upstream.close();
    upstreamVertx.close().await();
  }

  @Test
  void aNodeThatJoinedTheClusterStreamsAChatCompletionFromTheProviderNode() throws Exception {
    List<String> events = OpenAiWire.chatTextStream("gpt-4o", List.of("over", " the", " wire"), 4, 3);
    SseScript script = SseScript.create();
    events.forEach(event -> script.data(event).delay(10));
    script.data("[DONE]");
    upstream.on("POST", "/v1/chat/completions", script);

    List<String> received = new ArrayList<>();
    Promise<Usage> done = Promise.promise();
    clientNode.runOnContext(v -> new StreamingChatCall(clientNode, 10_000)
        .stream("gpt-4o", Buffer.buffer("{\"model\":\"gpt-4o\",\"stream\":true,\"messages\":[]}"), null,
            "Bearer sk-over-the-wire", chunk -> {
              synchronized (received) {
                received.add(chunk.toString());
              }
            })
        .onComplete(done));
    Usage usage = done.future().await();

    StringBuilder expected = new StringBuilder();
    events.forEach(e -> expected.append("data: ").append(e).append("\n\n"));
    expected.append("data: [DONE]\n\n");
    assertThat(String.join("", received)).isEqualTo(expected.toString());
    assertThat(usage.outputTokens()).isEqualTo(3);
    assertThat(upstream.last().header("Authorization")).isEqualTo("Bearer sk-over-the-wire");
  }
}
