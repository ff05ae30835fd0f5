package dev.portcullis.usage.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * How the ledger's reads reach its database: {@code Database::query} (statements written with
 * {@code ?}), or in tests a wrapper that counts or fails the statements run.
 */
@FunctionalInterface
public interface UsageQuery {

  Future<RowSet<Row>> query(String sql, Tuple arguments);
}
