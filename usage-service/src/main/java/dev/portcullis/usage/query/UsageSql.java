package dev.portcullis.usage.query;

import dev.portcullis.usage.store.UsageQuery;

/**
 * How the queries reach the ledger's database: {@code Database::query} (statements written with
 * {@code ?}), or in tests a wrapper that counts the statements run.
 */
@FunctionalInterface
interface UsageSql extends UsageQuery {}
