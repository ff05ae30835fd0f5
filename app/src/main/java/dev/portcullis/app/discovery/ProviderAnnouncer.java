package dev.portcullis.app.discovery;

import dev.portcullis.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Publishes one discovery record per provider this process runs, refreshes its heartbeat
 * periodically (a process killed without a goodbye leaves its records behind: readers ignore
 * those whose heartbeat is stale), and withdraws them when it stops.
 */
public final class ProviderAnnouncer extends VerticleBase {

  private final Map<String, List<String>> routesByProvider;
  private final long heartbeatMs;
  private final List<Record> published = new ArrayList<>();
  private ServiceDiscovery discovery;
  private long timer = -1;

  /** @param routesByProvider each provider name this process runs, with its gateway routes */
  public ProviderAnnouncer(Map<String, List<String>> routesByProvider, long heartbeatMs) {
    this.routesByProvider = routesByProvider;
    this.heartbeatMs = heartbeatMs;
  }

  @Override
  public Future<?> start() {
    discovery = ServiceDiscovery.create(vertx);
    // Unique per process even when not clustered (several test instances share a JVM).
    String node = UUID.randomUUID().toString();
    List<Future<Record>> publishing = new ArrayList<>();
    long now = System.currentTimeMillis();
    routesByProvider.forEach((provider, routes) -> publishing.add(
        discovery.publish(ProviderRecords.of(provider, Addresses.provider(provider), routes, node, now))
            .onSuccess(record -> {
              synchronized (published) {
                published.add(record);
              }
            })));
    return Future.all(publishing).onSuccess(v -> timer = vertx.setPeriodic(heartbeatMs, id -> heartbeat()));
  }

  private void heartbeat() {
    long now = System.currentTimeMillis();
    synchronized (published) {
      for (Record record : published) {
        record.getMetadata().put(ProviderRecords.HEARTBEAT_AT, now);
        discovery.update(record);
      }
    }
  }

  @Override
  public Future<?> stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    List<Future<Void>> withdrawn = new ArrayList<>();
    synchronized (published) {
      published.forEach(record -> withdrawn.add(discovery.unpublish(record.getRegistration())));
    }
    return Future.join(withdrawn).eventually(() -> {
      discovery.close();
      return Future.succeededFuture();
    });
  }
}
