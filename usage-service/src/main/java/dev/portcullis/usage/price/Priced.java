package dev.portcullis.usage.price;

import dev.portcullis.common.price.PriceCalculator;
import java.math.BigDecimal;

/**
 * The price of one record: its cost and where the price came from.
 *
 * @param costUsd      the cost in USD at {@link PriceCalculator#COST_SCALE} decimals; null when no price
 *                     is known for the model, or when neither input nor output tokens were reported
 * @param source       where the price came from, {@link Source#NONE} when the model has none
 * @param model        the model key that was priced (or last tried), null when the record names none
 * @param catalogModel the catalog's id of the model when the catalog priced it, else null
 */
public record Priced(BigDecimal costUsd, Source source, String model, String catalogModel) {

  public enum Source {
    /** An administrator's price ({@link PriceOverrides}). */
    OVERRIDE,
    /** The price catalog's. */
    CATALOG,
    /** No price: an unknown model, or one the catalog prices by something other than tokens. */
    NONE;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Whether a price was found for the model (the cost may still be null for want of counts). */
  public boolean modelKnown() {
    return source != Source.NONE;
  }
}
