package dev.portcullis.usage.query;

/** The usage routes contract on PostgreSQL, records stored in batches. */
class PostgresUsageRoutesBatchesTest extends PostgresUsageRoutesTest {

  @Override
  protected Storage storage() {
    return Storage.BATCHES;
  }
}
