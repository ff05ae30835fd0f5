package dev.portcullis.usage.query;

/** The usage routes contract on embedded H2, records stored in batches. */
class H2UsageRoutesBatchesTest extends H2UsageRoutesTest {

  @Override
  protected Storage storage() {
    return Storage.BATCHES;
  }
}
