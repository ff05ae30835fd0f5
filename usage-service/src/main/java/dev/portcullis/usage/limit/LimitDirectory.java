package dev.portcullis.usage.limit;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.limit.LimitRule;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The limit rules held in memory, one version of them at a time, so that the gateways' questions
 * ({@code portcullis.limits.rules}, {@code portcullis.limits.spent}) are answered without a query.
 * Read at start and again after every change; each change is then announced with its version on
 * {@code portcullis.limits.events}, where every gateway hears it, and where another ledger on the
 * same database hears it too and reads the rules again when the version is newer than its own.
 */
public final class LimitDirectory {

  private static final Logger LOG = LoggerFactory.getLogger(LimitDirectory.class);

  private final Vertx vertx;
  private final LimitStore store;
  private volatile Rules current = new Rules(-1, List.of());
  private MessageConsumer<Object> consumer;

  private LimitDirectory(Vertx vertx, LimitStore store) {
    this.vertx = vertx;
    this.store = store;
  }

  /** One version of every rule, by id, and as the bus answers them. */
  public static final class Rules {

    private final long version;
    private final Map<String, LimitRule> byId;
    private final JsonArray json;

    Rules(long version, List<LimitRule> rules) {
      this.version = version;
      Map<String, LimitRule> byId = new LinkedHashMap<>();
      JsonArray json = new JsonArray();
      for (LimitRule rule : rules) {
        byId.put(rule.id(), rule);
        json.add(rule.toJson());
      }
      this.byId = byId;
      this.json = json;
    }

    public long version() {
      return version;
    }

    /** The rule, or null when there is none by that id. */
    public LimitRule rule(String id) {
      return byId.get(id);
    }

    public List<LimitRule> list() {
      return List.copyOf(byId.values());
    }

    /** Every rule as {@link LimitRule#toJson}; shared, never to be changed (the bus copies what it sends). */
    JsonArray json() {
      return json;
    }
  }

  /**
   * Reads the rules and starts listening for changes made elsewhere. Listening starts before the
   * read, so a change announced meanwhile is not missed.
   */
  public static Future<LimitDirectory> open(Vertx vertx, LimitStore store) {
    LimitDirectory directory = new LimitDirectory(vertx, store);
    return directory.listen().compose(listening -> directory.reload()).map(read -> directory);
  }

  private Future<Void> listen() {
    consumer = vertx.eventBus().consumer(Addresses.LIMITS_EVENTS, message -> {
      Object body = message.body();
      // An announcement without a version is taken as news: reading again costs one query.
      long announced = body instanceof JsonObject json && json.getValue("version") instanceof Number n
          ? n.longValue() : Long.MAX_VALUE;
      if (announced > current.version()) {
        reload().onFailure(failure -> LOG.warn("Could not read the limit rules again: {}", failure.toString()));
      }
    });
    return consumer.completion();
  }

  public Rules current() {
    return current;
  }

  /**
   * Reads every rule again. Reads may finish out of order: only one at a newer version than the
   * one held replaces it, so an older read never undoes a newer one.
   */
  public Future<Rules> reload() {
    return store.snapshot().map(snapshot -> {
      synchronized (this) {
        if (snapshot.version() > current.version()) {
          current = new Rules(snapshot.version(), snapshot.rules());
        }
        return current;
      }
    });
  }

  /** After a change this ledger made: reads the rules, then tells every gateway their version. */
  public Future<Rules> changed() {
    return reload().onSuccess(rules -> vertx.eventBus().publish(Addresses.LIMITS_EVENTS,
        new JsonObject().put("version", rules.version())));
  }

  public Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }
}
