package dev.portcullis.common.price;

import java.math.BigDecimal;
import java.util.Objects;

/**
 * What one model costs, in USD per million tokens (and per thousand requests where a provider
 * charges per call, as Perplexity does). Input and output are always there (zero where the source
 * names no price: an embedding model has no output price). The other prices are null where the
 * source has none, and then those tokens are billed at their parent's price, as genai-prices does:
 * cached and cache-write tokens as input, reasoning tokens as output.
 *
 * <p>Reasoning: most providers bill reasoning tokens as output tokens, and genai-prices lists no
 * separate price for them; it does for a few models ({@code output_reasoning_mtok}, Perplexity's
 * deep research), which is the only case where {@code reasoningPerMillion} is set from the
 * catalog. Cache writes: genai-prices' {@code cache_write_mtok} is the 5-minute write; a separate
 * 1-hour price exists for some models but {@code Usage} does not tell the two apart, so it is not
 * used.
 *
 * @param perThousandRequests a fee per call, per thousand calls, or null
 */
public record ModelPrice(TieredPrice inputPerMillion, TieredPrice outputPerMillion, TieredPrice cachedInputPerMillion,
    TieredPrice cacheWritePerMillion, TieredPrice reasoningPerMillion, BigDecimal perThousandRequests) {

  /** A model the source lists with no price at all: it is free. */
  public static final ModelPrice FREE = new ModelPrice(TieredPrice.ZERO, TieredPrice.ZERO, null, null, null, null);

  public ModelPrice {
    Objects.requireNonNull(inputPerMillion, "inputPerMillion");
    Objects.requireNonNull(outputPerMillion, "outputPerMillion");
    if (perThousandRequests != null && perThousandRequests.signum() < 0) {
      throw new IllegalArgumentException("a price cannot be negative");
    }
  }

  /** Flat input and output prices, nothing else. */
  public static ModelPrice of(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
    return new ModelPrice(TieredPrice.flat(inputPerMillion), TieredPrice.flat(outputPerMillion), null, null, null,
        null);
  }
}
