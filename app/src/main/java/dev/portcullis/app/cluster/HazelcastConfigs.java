package dev.portcullis.app.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import dev.portcullis.auth.SharedLookupLimiter;

/**
 * The Hazelcast member configuration, built in code rather than from an XML file on the class path,
 * so that every knob is a Portcullis setting. It keeps what Vert.x's own {@code default-cluster.xml}
 * declares for its internal maps.
 */
public final class HazelcastConfigs {

  private HazelcastConfigs() {}

  public static Config of(ClusterSettings options) {
    Config config = new Config();
    config.setClusterName(options.name());
    // No usage reports to hazelcast.com from inside a security proxy.
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.setProperty("hazelcast.shutdownhook.enabled", "false");
    // Failure detection: how fast a killed process's event-bus subscriptions are dropped.
    int maxSilence = options.failureDetectionSeconds();
    config.setProperty("hazelcast.max.no.heartbeat.seconds", Integer.toString(maxSilence));
    config.setProperty("hazelcast.heartbeat.interval.seconds", Integer.toString(Math.max(1, Math.min(5, maxSilence / 3))));
    config.setProperty("hazelcast.merge.first.run.delay.seconds", "5");

    NetworkConfig network = config.getNetworkConfig();
    network.setPort(options.port()).setPortAutoIncrement(true);
    if (options.publicHost() != null) {
      network.setPublicAddress(options.publicHost() + ":" + options.port());
    }
    if (!"0.0.0.0".equals(options.host())) {
      network.getInterfaces().setEnabled(true).addInterface(options.host());
      config.setProperty("hazelcast.socket.bind.any", "false");
    }

    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (options.kubernetes()) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig().setEnabled(true).setProperty("service-dns", options.kubernetesService());
    } else {
      join.getTcpIpConfig().setEnabled(true).setMembers(options.members());
    }

    config.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
        .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    config.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    config.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    // Backstop for the failed-lookup counts: every entry goes, whatever wrote it last.
    config.addMapConfig(new MapConfig(SharedLookupLimiter.MAP).setBackupCount(1)
        .setTimeToLiveSeconds(SharedLookupLimiter.BACKSTOP_TTL_SECONDS));
    // Limit counters (requests, tokens, spend, and held streams): a backup on another member, so a
    // member killed takes no count with it and the limits stay exact. No TTL or eviction: a counter
    // dropped early would let its limit be exceeded; idle ones are removed by their processors.
    config.addMapConfig(new MapConfig(HazelcastLimitCounters.COUNTERS_MAP).setBackupCount(1));
    config.addMapConfig(new MapConfig(HazelcastLimitCounters.HELD_MAP).setBackupCount(1));
    return config;
  }
}
