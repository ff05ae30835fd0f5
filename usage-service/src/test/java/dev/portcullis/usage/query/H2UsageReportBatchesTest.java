package dev.portcullis.usage.query;

/** The usage report contract on embedded H2, records stored in batches. */
class H2UsageReportBatchesTest extends H2UsageReportTest {

  @Override
  protected Storage storage() {
    return Storage.BATCHES;
  }
}
