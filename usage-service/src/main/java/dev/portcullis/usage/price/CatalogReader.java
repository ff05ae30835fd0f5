package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;
import dev.portcullis.common.price.TieredPrice;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the price catalog: genai-prices' provider list, bare or as {@code config/prices/} ships it
 * ({@code {"source": {"package", "version", ...}, "providers": [...]}}, written by
 * {@code scripts/refresh-prices.sh}). It comes from the jar ({@code prices/genai-prices.json},
 * so a container without the repository has it) unless {@code PORTCULLIS_PRICES_FILE} names
 * another file. Data genai-prices itself would refuse (a negative price, an unknown time
 * constraint) is refused here too, so a bad file stops the start instead of pricing wrongly.
 */
public final class CatalogReader {

  public static final String PRICES_FILE_SETTING = "PORTCULLIS_PRICES_FILE";
  /** The catalog inside usage-service's jar. */
  public static final String BUNDLED_RESOURCE = "prices/genai-prices.json";

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);
  private static final Pattern TIME_OF_DAY =
      Pattern.compile("(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?(Z|([+-])(\\d{2}):(\\d{2}))");

  private CatalogReader() {}

  /** The catalog of {@code PORTCULLIS_PRICES_FILE}, else the bundled one; read on a worker thread. */
  public static Future<PriceCatalog> load(Vertx vertx, Settings settings) {
    String file = settings.string(PRICES_FILE_SETTING);
    return vertx.executeBlocking(() -> file == null ? bundled() : file(Path.of(file)));
  }

  /** The catalog packed into the jar. */
  public static PriceCatalog bundled() {
    try (InputStream in = CatalogReader.class.getClassLoader().getResourceAsStream(BUNDLED_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + BUNDLED_RESOURCE);
      }
      return parse(JSON.readTree(in), "classpath:" + BUNDLED_RESOURCE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the bundled price catalog", e);
    }
  }

  /** A catalog file; any problem with it is a {@link SettingsException} of PORTCULLIS_PRICES_FILE. */
  public static PriceCatalog file(Path path) {
    try {
      return parse(JSON.readTree(Files.readAllBytes(path)), path.toString());
    } catch (IOException e) {
      throw new SettingsException(PRICES_FILE_SETTING, "cannot read " + path + ": " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new SettingsException(PRICES_FILE_SETTING, path + " is not a genai-prices catalog: " + e.getMessage());
    }
  }

  static PriceCatalog parse(JsonNode root, String origin) {
    JsonNode providers = root != null && root.isObject() ? root.get("providers") : root;
    if (providers == null || !providers.isArray()) {
      throw new IllegalArgumentException("expected a list of providers or {\"providers\": [...]}");
    }
    JsonNode source = root.isObject() ? root.path("source") : JSON.missingNode();
    Map<String, PriceCatalog.Provider> byId = new LinkedHashMap<>();
    for (JsonNode provider : providers) {
      PriceCatalog.Provider read = provider(provider);
      byId.putIfAbsent(read.id(), read);
    }
    return new PriceCatalog(byId, source.path("package").asText("unknown"), source.path("version").asText("unknown"),
        origin);
  }

  private static PriceCatalog.Provider provider(JsonNode node) {
    String id = node.path("id").asText(null);
    JsonNode models = node.get("models");
    if (id == null || models == null || !models.isArray()) {
      throw new IllegalArgumentException("a provider without an id or models");
    }
    List<CatalogModel> read = new ArrayList<>();
    for (JsonNode model : models) {
      String modelId = model.path("id").asText(null);
      if (modelId == null) {
        throw new IllegalArgumentException("a model of " + id + " without an id");
      }
      try {
        read.add(new CatalogModel(id, modelId, MatchRule.parse(model.get("match")), schedule(model.get("prices"))));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(id + " model " + modelId + ": " + e.getMessage(), e);
      }
    }
    List<String> fallbacks = new ArrayList<>();
    node.path("fallback_model_providers").forEach(fallback -> fallbacks.add(fallback.asText()));
    return new PriceCatalog.Provider(id, List.copyOf(read), List.copyOf(fallbacks));
  }

  private static PriceSchedule schedule(JsonNode prices) {
    if (prices != null && prices.isObject()) {
      return PriceSchedule.always(price(prices));
    }
    if (prices == null || !prices.isArray() || prices.isEmpty()) {
      throw new IllegalArgumentException("prices must be an object or a non-empty list");
    }
    List<PriceSchedule.Entry> entries = new ArrayList<>();
    for (JsonNode entry : prices) {
      entries.add(new PriceSchedule.Entry(constraint(entry.get("constraint")), price(entry.get("prices"))));
    }
    return new PriceSchedule(entries);
  }

  /** Both spellings genai-prices accepts: with a {@code type}, or told apart by their fields. */
  private static PriceSchedule.Constraint constraint(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.has("start_date")) {
      try {
        return new PriceSchedule.StartDate(
            LocalDate.parse(node.get("start_date").asText()).atStartOfDay().toInstant(ZoneOffset.UTC));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("bad start_date " + node.get("start_date"));
      }
    }
    if (node.has("start_time") && node.has("end_time")) {
      return new PriceSchedule.TimeOfDay(secondOfUtcDay(node.get("start_time").asText()),
          secondOfUtcDay(node.get("end_time").asText()));
    }
    throw new IllegalArgumentException("unknown price constraint " + node);
  }

  /** {@code HH:MM:SS[.fff](Z|+HH:MM|-HH:MM)} as seconds since UTC midnight. */
  static double secondOfUtcDay(String time) {
    Matcher m = TIME_OF_DAY.matcher(time);
    if (!m.matches()) {
      throw new IllegalArgumentException("bad time of day " + time);
    }
    int hours = Integer.parseInt(m.group(1));
    int minutes = Integer.parseInt(m.group(2));
    int seconds = Integer.parseInt(m.group(3));
    int offsetHours = m.group(7) == null ? 0 : Integer.parseInt(m.group(7));
    int offsetMinutes = m.group(8) == null ? 0 : Integer.parseInt(m.group(8));
    if (hours > 23 || minutes > 59 || seconds > 59 || offsetHours > 23 || offsetMinutes > 59) {
      throw new IllegalArgumentException("bad time of day " + time);
    }
    double fraction = m.group(4) == null ? 0 : Double.parseDouble("0." + m.group(4));
    double local = hours * 3600 + minutes * 60 + seconds + fraction;
    int offset = (offsetHours * 60 + offsetMinutes) * 60 * ("-".equals(m.group(6)) ? -1 : 1);
    return ((local - offset) % 86_400 + 86_400) % 86_400;
  }

  /**
   * One price object. Only the kinds of price a call's token counts can pay are read (tokens of
   * every modality priced as text, a fee per request); an object with none of them, but other
   * prices (audio hours, document pages), cannot be priced from tokens and reads as null. An
   * empty object is a free model.
   */
  private static ModelPrice price(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("a price must be an object");
    }
    if (node.isEmpty()) {
      return ModelPrice.FREE;
    }
    if (!node.has("input_mtok") && !node.has("output_mtok")) {
      return null;
    }
    return new ModelPrice(
        tiered(node, "input_mtok", TieredPrice.ZERO),
        tiered(node, "output_mtok", TieredPrice.ZERO),
        tiered(node, "cache_read_mtok", null),
        tiered(node, "cache_write_mtok", null),
        tiered(node, "output_reasoning_mtok", null),
        node.has("requests_kcount") ? amount(node.get("requests_kcount"), "requests_kcount") : null);
  }

  private static TieredPrice tiered(JsonNode prices, String key, TieredPrice absent) {
    JsonNode node = prices.get(key);
    if (node == null || node.isNull()) {
      return absent;
    }
    if (node.isNumber()) {
      return TieredPrice.flat(amount(node, key));
    }
    JsonNode tiers = node.get("tiers");
    if (!node.isObject() || tiers == null || !tiers.isArray()) {
      throw new IllegalArgumentException(key + " must be a number or {\"base\": ..., \"tiers\": [...]}");
    }
    List<TieredPrice.Tier> read = new ArrayList<>();
    for (JsonNode tier : tiers) {
      JsonNode start = tier.get("start");
      if (start == null || !start.canConvertToExactIntegral() || start.asLong(-1) < 0) {
        throw new IllegalArgumentException(key + " has a tier without a whole, non-negative start");
      }
      read.add(new TieredPrice.Tier(start.asLong(), amount(tier.get("price"), key)));
    }
    // genai-prices sorts the tiers itself; two at one start would make the price ambiguous.
    read.sort(Comparator.comparingLong(TieredPrice.Tier::start));
    return new TieredPrice(amount(node.get("base"), key), read);
  }

  private static BigDecimal amount(JsonNode node, String key) {
    if (node == null || !node.isNumber()) {
      throw new IllegalArgumentException(key + " must be a number");
    }
    BigDecimal value = node.decimalValue();
    if (value.signum() < 0 || value.compareTo(MILLION) > 0) {
      throw new IllegalArgumentException(key + " must be between 0 and " + MILLION);
    }
    return value;
  }
}
