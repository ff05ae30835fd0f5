package dev.portcullis.examples.busclient;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.UpstreamCredential;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Joins a Portcullis cluster and streams one chat completion from {@code portcullis.provider.openai},
 * printing the raw SSE chunks as they arrive.
 *
 * <pre>
 *   PORTCULLIS_CLUSTER_MEMBERS=127.0.0.1:5701 [PORTCULLIS_CLUSTER_NAME=portcullis] [PORTCULLIS_CLUSTER_PORT=5701] \
 *   PORTCULLIS_CLUSTER_TLS_CERT=tls.crt PORTCULLIS_CLUSTER_TLS_KEY=tls.key PORTCULLIS_CLUSTER_TLS_CA=ca.crt \
 *   OPENAI_API_KEY=sk-... java -cp ... dev.portcullis.examples.busclient.Main "Say hello"
 * </pre>
 *
 * The key travels in the request's {@link UpstreamCredential}, as a key resolved by the gateway
 * would: the event bus is inside the trust boundary, so only trusted services may join it. The
 * members accept only event-bus connections with a certificate signed by the cluster's CA, so this
 * service needs one too (PEM files, as a Kubernetes TLS Secret holds them).
 */
public final class Main {

  private Main() {}

  /** What Portcullis members use: the same cluster name, a TCP-IP member list, no multicast, no phone-home. */
  static Config hazelcastConfig(String clusterName, List<String> members, int port) {
    Config hazelcast = new Config().setClusterName(clusterName);
    hazelcast.setProperty("hazelcast.phone.home.enabled", "false");
    hazelcast.setProperty("hazelcast.logging.type", "slf4j");
    hazelcast.getNetworkConfig().setPort(port);
    JoinConfig join = hazelcast.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setMembers(members);
    return hazelcast;
  }

  /**
   * The event bus as Portcullis members run it: TLS both ways, a client certificate required, and
   * only the cluster's CA trusted. Hostnames are not checked by the clustered event bus (members are
   * reached by IP); the CA is what counts.
   */
  static EventBusOptions eventBusOptions(String certFile, String keyFile, String caFile) {
    return new EventBusOptions().setSsl(true).setClientAuth(ClientAuth.REQUIRED)
        .setKeyCertOptions(new PemKeyCertOptions().setCertPath(certFile).setKeyPath(keyFile))
        .setTrustOptions(new PemTrustOptions().addCertPath(caFile));
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      System.err.println("set " + name + " (the members accept only certificates signed by the cluster's CA)");
      System.exit(2);
    }
    return value;
  }

  public static void main(String[] args) {
    List<String> members = Arrays.stream(System.getenv().getOrDefault("PORTCULLIS_CLUSTER_MEMBERS", "127.0.0.1:5701")
        .split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    Config hazelcast = hazelcastConfig(System.getenv().getOrDefault("PORTCULLIS_CLUSTER_NAME", "portcullis"), members,
        Integer.parseInt(System.getenv().getOrDefault("PORTCULLIS_CLUSTER_PORT", "5701")));

    String prompt = args.length > 0 ? String.join(" ", args) : "Say hello in five words.";
    String apiKey = System.getenv("OPENAI_API_KEY");
    if (apiKey == null || apiKey.isBlank()) {
      System.err.println("set OPENAI_API_KEY");
      System.exit(2);
    }
    UpstreamCredential credential = new UpstreamCredential(apiKey, null, Map.of(), false);
    EventBusOptions eventBus = eventBusOptions(required("PORTCULLIS_CLUSTER_TLS_CERT"),
        required("PORTCULLIS_CLUSTER_TLS_KEY"), required("PORTCULLIS_CLUSTER_TLS_CA"));
    Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(eventBus))
        .withClusterManager(new HazelcastClusterManager(hazelcast))
        .buildClustered()
        .onFailure(err -> {
          System.err.println("could not join the cluster: " + err);
          System.exit(1);
        })
        .onSuccess(vertx -> vertx.runOnContext(v -> {
          BusCodecs.register(vertx); // the envelopes' wire codecs: JSON header + raw body bytes
          Buffer body = new JsonObject().put("model", "gpt-4o-mini").put("stream", true)
              .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)))
              .toBuffer();
          new StreamingChatCall(vertx, 60_000)
              .stream("gpt-4o-mini", body, credential, null, chunk -> System.out.print(chunk.toString()))
              .onComplete(ar -> {
                if (ar.succeeded()) {
                  System.out.println("\n-- done, usage: " + ar.result());
                } else {
                  System.err.println("\n-- failed: " + ar.cause().getMessage());
                }
                vertx.close().onComplete(c -> System.exit(ar.succeeded() ? 0 : 1));
              });
        }));
  }
}
