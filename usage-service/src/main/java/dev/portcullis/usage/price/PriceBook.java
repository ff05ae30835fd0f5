package dev.portcullis.usage.price;

import dev.portcullis.common.price.PriceCalculator;
import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.TokenCounts;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.usage.UsageRecord;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the ledger asks for every record: its cost, from an administrator's price for the model if
 * there is one, else from the catalog, else none. A record without a price gets a null cost and
 * counts in {@value #UNPRICED_METRIC} (tagged by provider only: model ids come from callers and
 * would make the metric unbounded). Never a guess: a model the catalog does not match is unpriced.
 *
 * <p>Fast enough for every record: overrides are read from memory, and catalog lookups (a walk
 * through a provider's match rules) are cached per (provider, model), found or not, up to
 * {@value #CACHE_LIMIT} entries; when full the cache starts over, so a flood of made-up model ids
 * costs lookups, never memory. Thread-safe.
 */
public final class PriceBook {

  public static final String UNPRICED_METRIC = "portcullis.usage.cost.unpriced";
  static final int CACHE_LIMIT = 10_000;

  /** A cached "the catalog has no such model" (the map holds no nulls). */
  private static final CatalogModel NOT_IN_CATALOG = new CatalogModel("", "", new MatchRule.Never("absent"),
      PriceSchedule.always(null));
  private static final String OTHER_PROVIDER = "other";

  private final PriceCatalog catalog;
  private final PriceOverrides overrides;
  private final MeterRegistry registry;
  private final Map<String, CatalogModel> resolved = new ConcurrentHashMap<>();
  private final Map<String, Counter> unpriced = new ConcurrentHashMap<>();

  /**
   * @param overrides administrators' prices, or null for the catalog alone
   * @param registry  where {@value #UNPRICED_METRIC} is counted, or null not to count
   */
  public PriceBook(PriceCatalog catalog, PriceOverrides overrides, MeterRegistry registry) {
    this.catalog = catalog;
    this.overrides = overrides;
    this.registry = registry;
  }

  public PriceCatalog catalog() {
    return catalog;
  }

  /**
   * Prices a ledger record as of its call's time. The model is the one the provider answered
   * with; the requested one when the answer named none (Bedrock's never do). An administrator's
   * price for either wins, the answered one's first: an Azure deployment name is the requested
   * model, and its price is the one an administrator sets.
   */
  public Priced price(UsageRecord record) {
    String provider = record.provider();
    String answered = PricingProviders.modelKey(provider, record.answeredModel());
    String requested = PricingProviders.modelKey(provider, record.requestedModel());
    Instant time = Instant.ofEpochMilli(record.timeMillis());
    TokenCounts counts = TokenCounts.of(record);
    for (String model : new String[] {answered, requested}) {
      PriceOverride override = override(provider, model);
      if (override != null) {
        return new Priced(PriceCalculator.cost(override.price(), counts), Priced.Source.OVERRIDE, model, null);
      }
    }
    return fromCatalog(provider, answered != null ? answered : requested, counts, time, true);
  }

  /** Prices one model's token counts at a time: an administrator's price, else the catalog's. */
  public Priced price(String provider, String model, TokenCounts counts, long timeMillis) {
    return price(provider, model, counts, timeMillis, true);
  }

  /**
   * Prices a call that is not recorded (a gateway's estimate before or during a call, for its
   * spend limits): as {@link #price(String, String, TokenCounts, long)}, but a model without a
   * price is not counted in {@value #UNPRICED_METRIC}, which counts records.
   */
  public Priced quote(String provider, String model, TokenCounts counts, long timeMillis) {
    return price(provider, model, counts, timeMillis, false);
  }

  /**
   * The whole price a {@link #quote} of this model would use at that time (an administrator's, else
   * the catalog's), or null when it has none: what a gateway keeps to price its calls' spend itself.
   */
  public ModelPrice sheet(String provider, String model, long timeMillis) {
    return effective(provider, PricingProviders.modelKey(provider, model), Instant.ofEpochMilli(timeMillis)).price();
  }

  private Priced price(String provider, String model, TokenCounts counts, long timeMillis, boolean countUnpriced) {
    String key = PricingProviders.modelKey(provider, model);
    PriceOverride override = override(provider, key);
    if (override != null) {
      return new Priced(PriceCalculator.cost(override.price(), counts), Priced.Source.OVERRIDE, key, null);
    }
    return fromCatalog(provider, key, counts, Instant.ofEpochMilli(timeMillis), countUnpriced);
  }

  /** What prices a model now, and where it comes from; for the admin API. Counts nothing. */
  Effective effective(String provider, String modelKey, Instant time) {
    PriceOverride override = override(provider, modelKey);
    CatalogModel inCatalog = catalogModel(provider, modelKey);
    return new Effective(override, inCatalog, inCatalog == null ? null : inCatalog.prices().at(time));
  }

  /**
   * @param catalogModel the catalog's model, or null
   * @param catalogPrice its price at the time asked, null where it has none to count tokens by
   */
  record Effective(PriceOverride override, CatalogModel catalogModel, ModelPrice catalogPrice) {

    ModelPrice price() {
      return override != null ? override.price() : catalogPrice;
    }
  }

  private PriceOverride override(String provider, String modelKey) {
    return overrides == null || modelKey == null ? null : overrides.find(provider, modelKey);
  }

  private Priced fromCatalog(String provider, String modelKey, TokenCounts counts, Instant time,
      boolean countUnpriced) {
    CatalogModel model = catalogModel(provider, modelKey);
    ModelPrice price = model == null ? null : model.prices().at(time);
    if (price == null) {
      if (countUnpriced) {
        countUnpriced(provider);
      }
      return new Priced(null, Priced.Source.NONE, modelKey, null);
    }
    return new Priced(PriceCalculator.cost(price, counts), Priced.Source.CATALOG, modelKey, model.id());
  }

  private CatalogModel catalogModel(String provider, String modelKey) {
    String catalogId = PricingProviders.catalogId(provider);
    if (catalogId == null || modelKey == null) {
      return null;
    }
    String key = provider + '\n' + modelKey;
    CatalogModel cached = resolved.get(key);
    if (cached == null) {
      CatalogModel found = catalog.find(catalogId, modelKey);
      cached = found == null ? NOT_IN_CATALOG : found;
      if (resolved.size() >= CACHE_LIMIT) {
        resolved.clear();
      }
      resolved.put(key, cached);
    }
    return cached == NOT_IN_CATALOG ? null : cached;
  }

  private void countUnpriced(String provider) {
    if (registry == null) {
      return;
    }
    String tag = Providers.known(provider) ? provider : OTHER_PROVIDER;
    unpriced.computeIfAbsent(tag, name -> Counter.builder(UNPRICED_METRIC)
            .description("Usage records stored without a cost: no price is known for their model")
            .tag("provider", name)
            .register(registry))
        .increment();
  }

  int cachedLookups() {
    return resolved.size();
  }
}
