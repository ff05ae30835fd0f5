package dev.portcullis.usage.price;

/**
 * One model of the catalog: the catalog provider it is listed under (which may be a fallback of
 * the one asked, as OpenAI's models are Azure's), its id there, how model ids are matched to it
 * and its prices.
 */
record CatalogModel(String providerId, String id, MatchRule match, PriceSchedule prices) {}
