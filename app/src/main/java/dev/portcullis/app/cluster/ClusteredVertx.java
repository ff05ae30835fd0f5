package dev.portcullis.app.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/** Starts a Vert.x instance that joins the Portcullis cluster with Hazelcast. */
public final class ClusteredVertx {

  private ClusteredVertx() {}

  public static Future<Vertx> start(ClusterOptions options) {
    // Hazelcast logs a few lines before it reads its Config: route those through SLF4J (JSON) too.
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    EventBusOptions eventBus = new EventBusOptions().setPort(options.eventBusPort());
    // Left unset, the event bus binds where Hazelcast does and advertises that address;
    // "0.0.0.0" would be advertised as is and be unreachable for the other members.
    if (!"0.0.0.0".equals(options.host())) {
      eventBus.setHost(options.host());
    }
    if (options.publicHost() != null) {
      eventBus.setClusterPublicHost(options.publicHost());
    }
    return Vertx.builder()
        .with(new VertxOptions().setEventBusOptions(eventBus))
        .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.of(options)))
        .buildClustered();
  }
}
