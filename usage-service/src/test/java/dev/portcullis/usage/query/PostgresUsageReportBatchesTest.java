package dev.portcullis.usage.query;

/** The usage report contract on PostgreSQL, half the records in usage_records and half in batches. */
class PostgresUsageReportBatchesTest extends PostgresUsageReportTest {

  @Override
  protected Storage storage() {
    return Storage.BOTH;
  }
}
