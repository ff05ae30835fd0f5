package dev.portcullis.usage.price;

import dev.portcullis.database.Database;
import dev.portcullis.database.SchemaMigrations;
import dev.portcullis.database.SchemaMigrations.Migration;
import io.vertx.core.Future;
import java.util.List;

/**
 * The schema of administrators' prices, recorded in {@code price_schema_version}, in the ledger's
 * database: the same SQL on H2 and PostgreSQL. A price is kept as the JSON of
 * {@link ModelPriceJson} (tiers make it more than a few columns); the model is its key
 * ({@link PricingProviders#modelKey}).
 *
 * <p>Never edit a released migration: add the next version.
 */
public final class PriceMigrations {

  static final List<Migration> ALL = List.of(
      new Migration(1, "model price overrides", List.of(
          """
          CREATE TABLE model_price_overrides (
            provider VARCHAR(32) NOT NULL,
            model VARCHAR(256) NOT NULL,
            price_json VARCHAR(8000) NOT NULL,
            updated_at BIGINT NOT NULL,
            PRIMARY KEY (provider, model))""")));

  private PriceMigrations() {}

  /** Brings the schema up to the latest version; answers the version it is at. */
  public static Future<Integer> migrate(Database db) {
    return new SchemaMigrations(db, "price_schema_version", ALL).migrate();
  }
}
