package dev.portcullis.app.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a Vert.x instance that joins the Portcullis cluster with Hazelcast. Its event bus speaks
 * TLS with client certificates ({@link ClusterTls}); only {@code PORTCULLIS_CLUSTER_INSECURE=true}
 * lets it run in plaintext, with a warning at every start.
 */
public final class ClusteredVertx {

  private static final Logger LOG = LoggerFactory.getLogger(ClusteredVertx.class);

  private ClusteredVertx() {}

  public static Future<Vertx> start(ClusterSettings options) {
    return start(options, UnaryOperator.identity());
  }

  /** @param tracing gives the instance its tracer when tracing is on */
  public static Future<Vertx> start(ClusterSettings options, UnaryOperator<VertxBuilder> tracing) {
    // Hazelcast logs a few lines before it reads its Config: route those through SLF4J (JSON) too.
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    if (options.tls() == null) {
      LOG.warn("{}=true: the event bus between cluster members is plaintext and unauthenticated; anything that"
          + " reaches the Hazelcast port ({}) can join cluster '{}', read every prompt and provider key on the bus"
          + " and send messages as a member. Give every member {}, {} and {} instead.", ClusterTls.INSECURE,
          options.port(), options.name(), ClusterTls.CERT, ClusterTls.KEY, ClusterTls.CA);
    }
    return tracing.apply(Vertx.builder()
        .with(vertxOptions(options))
        .withClusterManager(new HazelcastClusterManager(HazelcastConfigs.of(options))))
        .buildClustered();
  }

  /** The Vert.x options of a member: where its event bus listens and what it announces, and its TLS. */
  public static VertxOptions vertxOptions(ClusterSettings options) {
    EventBusOptions eventBus = new EventBusOptions().setPort(options.eventBusPort());
    // Left unset, the event bus binds where Hazelcast does and advertises that address;
    // "0.0.0.0" would be advertised as is and be unreachable for the other members.
    if (!"0.0.0.0".equals(options.host())) {
      eventBus.setHost(options.host());
    }
    if (options.publicHost() != null) {
      eventBus.setClusterPublicHost(options.publicHost());
    }
    if (options.tls() != null) {
      options.tls().applyTo(eventBus);
    }
    return new VertxOptions().setPreferNativeTransport(true).setEventBusOptions(eventBus);
  }
}
