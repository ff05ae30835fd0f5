package dev.portcullis.app.discovery;

import dev.portcullis.gateway.proxy.ProviderAvailability;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.ServiceDiscovery;
import io.vertx.servicediscovery.ServiceDiscoveryOptions;
import io.vertx.servicediscovery.Status;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The gateway's cached view of which providers are up, from the discovery records. Never read on a
 * call's way to a provider (the bus itself routes calls and reports NO_HANDLERS): it is read by
 * readiness and to explain a 503. Refreshed periodically and at once on each discovery announce,
 * so a lookup is a map read.
 */
public final class ProviderDirectory implements ProviderAvailability, AutoCloseable {

  private final Vertx vertx;
  private final ServiceDiscovery discovery;
  private final long staleAfterMs;
  private final long timer;
  private final MessageConsumer<JsonObject> announcements;
  private volatile Map<String, Integer> instancesUp = Map.of();
  private volatile Map<String, Long> lastSeen = Map.of();
  private volatile boolean loaded;

  public ProviderDirectory(Vertx vertx, long refreshMs, long staleAfterMs) {
    this.vertx = vertx;
    this.staleAfterMs = staleAfterMs;
    ServiceDiscoveryOptions options = new ServiceDiscoveryOptions();
    this.discovery = ServiceDiscovery.create(vertx, options);
    this.announcements = vertx.eventBus().consumer(options.getAnnounceAddress(), message -> refresh());
    this.timer = vertx.setPeriodic(1, refreshMs, id -> refresh());
  }

  private void refresh() {
    discovery.getRecords(ProviderRecords::isProvider, true).onSuccess(this::load);
  }

  private void load(List<Record> records) {
    long now = System.currentTimeMillis();
    Map<String, Integer> up = new HashMap<>();
    Map<String, Long> seen = new HashMap<>(lastSeen);
    for (Record record : records) {
      String provider = ProviderRecords.provider(record);
      long heartbeat = ProviderRecords.heartbeatAt(record);
      seen.merge(provider, heartbeat, Math::max);
      if (record.getStatus() == Status.UP && now - heartbeat <= staleAfterMs) {
        up.merge(provider, 1, Integer::sum);
      }
    }
    instancesUp = Map.copyOf(up);
    lastSeen = Map.copyOf(seen);
    loaded = true;
  }

  /** Whether the directory has been read at least once. */
  public boolean loaded() {
    return loaded;
  }

  /** Instances of this provider with a fresh heartbeat. */
  public int instancesUp(String provider) {
    return instancesUp.getOrDefault(provider, 0);
  }

  /** Whether any provider instance is up: the gateway cannot serve a call before that. */
  public boolean anyUp() {
    return !instancesUp.isEmpty();
  }

  /** Why a provider cannot be reached, in words for the client's 503. */
  @Override
  public String explainUnavailable(String provider) {
    Long seen = lastSeen.get(provider);
    if (seen == null) {
      return "no " + provider + " provider instance has registered in service discovery";
    }
    long ago = Math.max(0, (System.currentTimeMillis() - seen) / 1000);
    return "no " + provider + " provider instance is up; the last one was seen " + ago + " s ago";
  }

  @Override
  public void close() {
    vertx.cancelTimer(timer);
    announcements.unregister();
    discovery.close();
  }
}
