package dev.portcullis.usage.query;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;

/**
 * How the queries reach the ledger's database: {@code Database::query} (statements written with
 * {@code ?}), or in tests a wrapper that counts the statements run.
 */
@FunctionalInterface
interface UsageSql {

  Future<RowSet<Row>> query(String sql, Tuple arguments);
}
