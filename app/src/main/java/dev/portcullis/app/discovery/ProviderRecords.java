package dev.portcullis.app.discovery;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.servicediscovery.Record;
import io.vertx.servicediscovery.Status;
import java.util.List;

/**
 * The service-discovery record a provider process publishes for each provider it runs: type
 * {@value #TYPE}, location {@code {"endpoint": "portcullis.provider.<name>"}}, metadata with the
 * provider, its gateway routes, the publishing node and the time of its last heartbeat. Several
 * processes running the same provider publish one record each.
 */
public final class ProviderRecords {

  public static final String TYPE = "portcullis-provider";
  static final String PROVIDER = "provider";
  static final String ROUTES = "routes";
  static final String NODE = "node";
  static final String HEARTBEAT_AT = "heartbeatAt";

  private ProviderRecords() {}

  static Record of(String provider, String address, List<String> routes, String node, long nowMillis) {
    return new Record()
        .setType(TYPE)
        .setName(TYPE + ":" + provider)
        .setStatus(Status.UP)
        .setLocation(new JsonObject().put(Record.ENDPOINT, address))
        .setMetadata(new JsonObject()
            .put(PROVIDER, provider)
            .put(ROUTES, new JsonArray(routes))
            .put(NODE, node)
            .put(HEARTBEAT_AT, nowMillis));
  }

  static boolean isProvider(Record record) {
    return TYPE.equals(record.getType()) && record.getMetadata() != null
        && record.getMetadata().getString(PROVIDER) != null;
  }

  static String provider(Record record) {
    return record.getMetadata().getString(PROVIDER);
  }

  static long heartbeatAt(Record record) {
    return record.getMetadata().getLong(HEARTBEAT_AT, 0L);
  }
}
