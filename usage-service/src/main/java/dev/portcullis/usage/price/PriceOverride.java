package dev.portcullis.usage.price;

import dev.portcullis.common.price.ModelPrice;

/**
 * An administrator's price for one model of one provider, which wins over the catalog.
 *
 * @param model the model key ({@link PricingProviders#modelKey})
 */
public record PriceOverride(String provider, String model, ModelPrice price, long updatedAtMillis) {}
