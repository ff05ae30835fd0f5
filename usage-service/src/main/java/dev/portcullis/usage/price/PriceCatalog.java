package dev.portcullis.usage.price;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The price catalog: genai-prices' providers and models, found as its own implementation finds
 * them. Within a provider the first model whose rule matches wins; then the provider's fallback
 * providers are searched (Azure falls back to OpenAI's models, Google to Anthropic's); then, when
 * the id carries a compact date ({@code -20250929}), the same again with the date written
 * {@code -2025-09-29}. Immutable; read by {@link CatalogReader}.
 */
public final class PriceCatalog {

  /** A compact date in an id, followed by a dash, a colon or the end, as genai-prices finds it. */
  private static final Pattern COMPACT_DATE =
      Pattern.compile("(-)(20\\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])(?=-|:|$)");

  /** One catalog provider: its models in order and the providers it falls back to. */
  record Provider(String id, List<CatalogModel> models, List<String> fallbacks) {}

  private final Map<String, Provider> providers;
  private final String packageName;
  private final String version;
  private final String origin;

  PriceCatalog(Map<String, Provider> providers, String packageName, String version, String origin) {
    this.providers = Map.copyOf(providers);
    this.packageName = packageName;
    this.version = version;
    this.origin = origin;
  }

  /** The package the data came from, such as {@code @pydantic/genai-prices}; "unknown" if unsaid. */
  public String packageName() {
    return packageName;
  }

  /** The version of that package, such as {@code 0.1.8}; "unknown" if unsaid. */
  public String version() {
    return version;
  }

  /** Where it was read: the jar's resource or a file path. */
  public String origin() {
    return origin;
  }

  public boolean hasProvider(String providerId) {
    return providers.containsKey(providerId);
  }

  public int modelCount() {
    return providers.values().stream().mapToInt(p -> p.models().size()).sum();
  }

  Stream<CatalogModel> models() {
    return providers.values().stream().flatMap(p -> p.models().stream());
  }

  /**
   * The model this id is priced as, or null.
   *
   * @param providerId a catalog provider id ({@code openai}, {@code aws}, ...)
   * @param model      the model id, lowercased and trimmed
   */
  CatalogModel find(String providerId, String model) {
    Provider provider = providers.get(providerId);
    if (provider == null || model == null) {
      return null;
    }
    CatalogModel found = findWithFallbacks(provider, model);
    if (found != null) {
      return found;
    }
    String dashed = dashedDates(model);
    return dashed.equals(model) ? null : findWithFallbacks(provider, dashed);
  }

  private CatalogModel findWithFallbacks(Provider provider, String model) {
    CatalogModel found = findIn(provider, model);
    if (found != null) {
      return found;
    }
    // One level only, as genai-prices does: a fallback's own fallbacks are not followed.
    for (String fallbackId : provider.fallbacks()) {
      Provider fallback = providers.get(fallbackId);
      found = fallback == null ? null : findIn(fallback, model);
      if (found != null) {
        return found;
      }
    }
    return null;
  }

  private static CatalogModel findIn(Provider provider, String model) {
    for (CatalogModel candidate : provider.models()) {
      if (candidate.match().matches(model)) {
        return candidate;
      }
    }
    return null;
  }

  /** {@code -20250929} becomes {@code -2025-09-29} where it is a real date; the rest is kept. */
  static String dashedDates(String model) {
    Matcher matcher = COMPACT_DATE.matcher(model);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      int year = Integer.parseInt(matcher.group(2));
      int month = Integer.parseInt(matcher.group(3));
      int day = Integer.parseInt(matcher.group(4));
      String replacement = realDate(year, month, day)
          ? matcher.group(1) + matcher.group(2) + "-" + matcher.group(3) + "-" + matcher.group(4)
          : matcher.group();
      matcher.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static boolean realDate(int year, int month, int day) {
    return day <= java.time.YearMonth.of(year, month).lengthOfMonth();
  }
}
