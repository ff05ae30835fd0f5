package dev.portcullis.usage;

import dev.portcullis.common.metrics.BoundedLabels;
import dev.portcullis.common.usage.RecordLine;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.usage.audit.AuditEntry;
import dev.portcullis.usage.audit.AuditStore;
import dev.portcullis.usage.store.UsageStore;
import java.util.Optional;
import dev.portcullis.usage.store.UsageStore.Priced;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What the ledger does with a batch: prices each record (at the time it is written; the cost is
 * kept, a later price change rewrites nothing), stores the new ones with their audit rows, and
 * counts records and cost in metrics. Metric labels are bounded: at most {@value #MAX_LABELS}
 * distinct models and LLM proxies each get their own series, the rest count as {@code other}.
 */
final class UsageLedger {

  static final int MAX_LABELS = 1000;

  private final UsageStore store;
  private final MeterRegistry registry;
  private final Function<UsageRecord, BigDecimal> pricing;
  private final AuditStore audit;
  /** Batches are written one after another: the audit chain grows in one order, in their transactions. */
  private Future<Integer> writing = Future.succeededFuture(0);
  private final Counter written;
  private final Counter duplicates;
  private final Counter malformed;
  private final Map<String, Counter> costs = new HashMap<>();
  private final BoundedLabels models = new BoundedLabels(MAX_LABELS, "none");
  private final BoundedLabels proxies = new BoundedLabels(MAX_LABELS, "none");
  private final List<AdminRoutes> adminRoutes;

  /** A part of the admin API the ledger serves. */
  @FunctionalInterface
  interface AdminRoutes {
    void mount(Router router, String base);
  }

  UsageLedger(UsageStore store, MeterRegistry registry, Function<UsageRecord, BigDecimal> pricing,
      AuditStore audit, List<AdminRoutes> adminRoutes) {
    this.store = store;
    this.registry = registry;
    this.pricing = pricing;
    this.audit = audit;
    this.adminRoutes = List.copyOf(adminRoutes);
    this.written = Counter.builder("portcullis.usage.records.written")
        .description("Usage records the ledger stored").register(registry);
    this.duplicates = Counter.builder("portcullis.usage.records.duplicates")
        .description("Usage records received again and not stored twice").register(registry);
    this.malformed = Counter.builder("portcullis.usage.records.malformed")
        .description("Journal lines that were not usage records, skipped").register(registry);
  }

  /**
   * Stores the batch's new records, each audited one with its audit row in the same transaction;
   * answers how many were new. Called on the ledger's context, one batch after another.
   */
  Future<Integer> store(List<UsageRecord> records) {
    return store(records.stream().map(RecordLine::of).toList(), false);
  }

  /**
   * @param records   the batch's records, with their lines as the gateway sent them
   * @param neverSent the gateway never sent this batch before: no record of it can be stored yet
   */
  Future<Integer> store(List<RecordLine> records, boolean neverSent) {
    Future<Integer> done = writing.transform(previous -> storeNow(records, neverSent));
    writing = done;
    return done;
  }

  private Future<Integer> storeNow(List<RecordLine> records, boolean neverSent) {
    List<Priced> priced = new ArrayList<>(records.size());
    for (RecordLine line : records) {
      priced.add(new Priced(line, pricing.apply(line.record())));
    }
    int received = records.size();
    // Counted once committed, before the disk sync the answer waits for: only the count is kept
    // for that wait, not the records (see UsageStore#insertNew).
    return store.insertNew(priced, neverSent, (conn, fresh) -> audit.appendWithin(conn, fresh.stream()
            .map(p -> AuditEntry.of(p.record())).flatMap(Optional::stream).toList()), fresh -> {
          written.increment(fresh.size());
          duplicates.increment(received - fresh.size());
          for (Priced p : fresh) {
            if (p.costUsd() != null && p.costUsd().signum() > 0) {
              cost(p.record()).increment(p.costUsd().doubleValue());
            }
          }
          return fresh.size();
        })
        .onComplete(ar -> audit.ended(ar.succeeded()));
  }

  void countMalformed(int lines) {
    malformed.increment(lines);
  }

  void mountAdmin(Router router, String base) {
    adminRoutes.forEach(routes -> routes.mount(router, base));
  }

  private Counter cost(UsageRecord record) {
    String model = models.label(record.answeredModel() != null ? record.answeredModel() : record.requestedModel());
    String proxy = proxies.label(record.llmProxyId());
    String provider = record.provider();
    return costs.computeIfAbsent(provider + '\0' + model + '\0' + proxy, k -> Counter.builder("portcullis.usage.cost")
        .description("Cost of the calls recorded, in US dollars, as priced when recorded")
        .baseUnit("usd")
        .tag("provider", provider)
        .tag("model", model)
        .tag("llm_proxy", proxy)
        .register(registry));
  }
}
