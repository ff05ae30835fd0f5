package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.database.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Administrators' prices per (provider, model), kept in the database and held in memory, where
 * {@link PriceBook} reads them for every record without a query. Each change is published on
 * {@value #CHANGED_ADDRESS} (no body), and every instance re-reads the table when it hears one,
 * so all instances price alike a moment after a change.
 */
public final class PriceOverrides {

  /** Published, with no body, after a price is set or removed. */
  public static final String CHANGED_ADDRESS = dev.portcullis.common.Addresses.PRICES_CHANGED;

  private static final Logger LOG = LoggerFactory.getLogger(PriceOverrides.class);
  private static final String ORIGIN_HEADER = "origin";
  private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private final Vertx vertx;
  private final Database db;
  /** Tells this instance's own announcements apart: it has re-read already. */
  private final String origin = UUID.randomUUID().toString();
  private final AtomicLong readsStarted = new AtomicLong();
  private long readApplied;
  private volatile Map<String, PriceOverride> byKey = Map.of();
  private MessageConsumer<Object> consumer;

  private PriceOverrides(Vertx vertx, Database db) {
    this.vertx = vertx;
    this.db = db;
  }

  /**
   * Migrates the table, reads it and starts listening for changes made elsewhere. Listening starts
   * before the first read, so a change announced meanwhile is not missed.
   */
  public static Future<PriceOverrides> open(Vertx vertx, Database db) {
    PriceOverrides overrides = new PriceOverrides(vertx, db);
    return PriceMigrations.migrate(db)
        .compose(version -> overrides.listen())
        .compose(listening -> overrides.reload())
        .map(read -> overrides);
  }

  private Future<Void> listen() {
    consumer = vertx.eventBus().consumer(CHANGED_ADDRESS, message -> {
      if (!origin.equals(message.headers().get(ORIGIN_HEADER))) {
        reload().onFailure(failure -> LOG.warn("Could not re-read the price overrides", failure));
      }
    });
    return consumer.completion();
  }

  /** The override for this provider and model key, or null. */
  public PriceOverride find(String provider, String modelKey) {
    Map<String, PriceOverride> overrides = byKey;
    // Asked for every record the ledger prices: with no override set (the usual case), no key is built.
    return overrides.isEmpty() ? null : overrides.get(key(provider, modelKey));
  }

  /** Every override, by provider and model. */
  public List<PriceOverride> all() {
    return byKey.values().stream()
        .sorted(Comparator.comparing(PriceOverride::provider).thenComparing(PriceOverride::model))
        .toList();
  }

  /** Sets (or replaces) the price of a model; answers it once stored, read back and announced. */
  public Future<PriceOverride> put(String provider, String modelKey, ModelPrice price) {
    long now = System.currentTimeMillis();
    String json = ModelPriceJson.toJson(price).encode();
    return replace(provider, modelKey, json, now)
        // Two instances setting one model at once: the loser of the insert replaces again.
        .recover(failure -> Database.uniqueViolation(failure)
            ? replace(provider, modelKey, json, now) : Future.failedFuture(failure))
        .compose(stored -> changed())
        .map(read -> find(provider, modelKey));
  }

  /** Removes a model's price; answers whether there was one. */
  public Future<Boolean> delete(String provider, String modelKey) {
    return db.query("DELETE FROM model_price_overrides WHERE provider = ? AND model = ?", Tuple.of(provider, modelKey))
        .compose(rows -> rows.rowCount() > 0 ? changed().map(true) : Future.succeededFuture(false));
  }

  private Future<Void> replace(String provider, String modelKey, String json, long now) {
    return db.inTransaction(conn -> db.query(conn,
            "DELETE FROM model_price_overrides WHERE provider = ? AND model = ?", Tuple.of(provider, modelKey))
        .compose(deleted -> db.query(conn,
            "INSERT INTO model_price_overrides (provider, model, price_json, updated_at) VALUES (?, ?, ?, ?)",
            Tuple.of(provider, modelKey, json, now)))
        .mapEmpty());
  }

  private Future<Void> changed() {
    vertx.eventBus().publish(CHANGED_ADDRESS, null, new DeliveryOptions().addHeader(ORIGIN_HEADER, origin));
    return reload();
  }

  /**
   * Re-reads the table. Reads may finish out of order; only one started later than the last
   * applied replaces what is held, so an older read never undoes a newer one.
   */
  public Future<Void> reload() {
    long read = readsStarted.incrementAndGet();
    return db.query("SELECT provider, model, price_json, updated_at FROM model_price_overrides", Tuple.tuple())
        .map(rows -> {
          Map<String, PriceOverride> loaded = new HashMap<>();
          for (Row row : rows) {
            PriceOverride override = override(row);
            if (override != null) {
              loaded.put(key(override.provider(), override.model()), override);
            }
          }
          synchronized (this) {
            if (read > readApplied) {
              readApplied = read;
              byKey = Map.copyOf(loaded);
            }
          }
          return null;
        });
  }

  /** A row as an override; a row this version cannot read is skipped (and said), never guessed at. */
  private static PriceOverride override(Row row) {
    String provider = row.getString(0);
    String model = row.getString(1);
    try {
      ModelPrice price = ModelPriceJson.parse(JSON.readTree(row.getString(2)));
      return new PriceOverride(provider, model, price, row.getLong(3));
    } catch (Exception e) {
      LOG.error("The price override of {} model {} cannot be read and is ignored: {}", provider, model,
          e.getMessage());
      return null;
    }
  }

  public Future<Void> close() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  private static String key(String provider, String modelKey) {
    return provider + '\n' + modelKey;
  }
}
