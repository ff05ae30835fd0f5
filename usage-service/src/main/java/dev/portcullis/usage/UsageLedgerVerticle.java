package dev.portcullis.usage;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AuthSecret;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.usage.RecordLine;
import dev.portcullis.common.usage.UsageLines;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecordLines;
import dev.portcullis.database.Database;
import dev.portcullis.usage.audit.AuditAdminRoutes;
import dev.portcullis.usage.audit.AuditRetention;
import dev.portcullis.usage.audit.AuditStore;
import dev.portcullis.usage.limit.LedgerSpend;
import dev.portcullis.usage.limit.AuthSubjects;
import dev.portcullis.usage.limit.LimitAdminRoutes;
import dev.portcullis.usage.limit.LimitDirectory;
import dev.portcullis.usage.limit.LimitMigrations;
import dev.portcullis.usage.limit.LimitRulesAnswer;
import dev.portcullis.usage.limit.LimitStore;
import dev.portcullis.usage.limit.SpendSeedAnswer;
import dev.portcullis.usage.price.CatalogReader;
import java.time.Clock;
import dev.portcullis.usage.price.PriceAdminRoutes;
import dev.portcullis.usage.price.PriceBook;
import dev.portcullis.usage.price.PriceCatalog;
import dev.portcullis.usage.price.PriceOverrides;
import dev.portcullis.usage.price.PriceQuotes;
import dev.portcullis.usage.query.UsageAdminRoutes;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;
import dev.portcullis.usage.store.UsageMigrations;
import dev.portcullis.usage.store.UsageStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The usage ledger: takes batches of usage records from the gateways' shippers
 * ({@code portcullis.usage.records}), prices each at the time it is written, stores each once
 * (with its audit row, when its LLM proxy audits) and answers once they are committed; a failed
 * answer leaves them in the gateway's journal, which sends them again. It also serves the usage,
 * price, audit and limit calls of the admin API ({@link #mountAdmin}), and what the gateways ask
 * to enforce limits: the rules ({@code portcullis.limits.rules}), a spend rule's window as the
 * ledger holds it ({@code portcullis.limits.spent}) and price quotes ({@code portcullis.usage.quote}).
 *
 * <p>Its tables live in the same PostgreSQL database as auth-service's when
 * {@code ARCHESTRA_DATABASE_URL} is set, else in an embedded H2 file of its own,
 * {@code usage.mv.db} in the data directory (usage and audit rows grow; the keys' file stays small).
 *
 * <p>It runs as a worker verticle ({@link #deployment()}): a batch is parsed, priced and turned into
 * rows in one go (2,000 records, a few milliseconds, when a gateway is saturated), and on an event
 * loop that time would be added to every call the same loop is serving.
 */
public final class UsageLedgerVerticle extends VerticleBase {

  /**
   * How the ledger is deployed: on a worker thread, one task at a time (a worker verticle's
   * context runs its handlers in order, so the ledger's own state needs no locks).
   */
  public static DeploymentOptions deployment() {
    return new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER);
  }

  private static final Logger LOG = LoggerFactory.getLogger(UsageLedgerVerticle.class);

  private final Settings settings;
  private final MeterRegistry registry;
  private final Function<RoutingContext, Buffer> adminBody;
  private final LimitCounters limitCounters;
  private Database database;
  private PriceOverrides overrides;
  private LimitDirectory limits;
  private AuditRetention retention;
  private UsageStore store;
  private UsageLedger ledger;
  private MessageConsumer<Object> consumer;
  private final List<MessageConsumer<Object>> limitConsumers = new ArrayList<>();

  /**
   * @param adminBody     where the admin API put a request's body (it reads bodies within its limit
   *                      before any of its calls, the ledger's included)
   * @param limitCounters the limit counters the gateways share: a rule's status reads them
   */
  public UsageLedgerVerticle(Settings settings, MeterRegistry registry, Function<RoutingContext, Buffer> adminBody,
      LimitCounters limitCounters) {
    this.settings = settings;
    this.registry = registry;
    this.adminBody = adminBody;
    this.limitCounters = limitCounters;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    String databaseUrl = settings.string(Database.DATABASE_URL_SETTING);
    database = databaseUrl != null ? Database.postgres(vertx, databaseUrl)
        : Database.embedded(vertx, AuthSecret.dataDir(settings), "usage", Database.Writes.APPENDS);
    store = new UsageStore(database);
    LimitStore limitStore = new LimitStore(database, Clock.systemUTC());
    LedgerSpend spend = new LedgerSpend(database, System::currentTimeMillis);
    Future<PriceCatalog> catalog = CatalogReader.load(vertx, settings);
    AuditStore[] audit = new AuditStore[1];
    return UsageMigrations.migrate(database)
        .compose(version -> LimitMigrations.migrate(database))
        .compose(version -> LimitDirectory.open(vertx, limitStore))
        .compose(opened -> {
          limits = opened;
          return PriceOverrides.open(vertx, database);
        })
        .compose(opened -> {
          overrides = opened;
          // A writer id per start: one chain per running ledger, never two processes on one.
          return AuditStore.open(database, AuditStore.newWriterId());
        })
        .compose(opened -> {
          audit[0] = opened;
          retention = new AuditRetention(opened, AuditRetention.retentionDays(settings), Clock.systemUTC());
          retention.start(vertx);
          return catalog;
        })
        .compose(prices -> {
          PriceBook book = new PriceBook(prices, overrides, registry);
          ledger = new UsageLedger(store, registry, record -> book.price(record).costUsd(), audit[0], List.of(
              new UsageAdminRoutes(database)::mount,
              new PriceAdminRoutes(book, overrides, adminBody)::mount,
              new AuditAdminRoutes(audit[0])::mount,
              new LimitAdminRoutes(limitStore, limits, limitCounters, spend, adminBody, new AuthSubjects(vertx))::mount));
          consumer = vertx.eventBus().consumer(Addresses.USAGE_RECORDS, this::onBatch);
          limitConsumers.add(vertx.eventBus().consumer(Addresses.LIMITS_RULES, new LimitRulesAnswer(limits)));
          limitConsumers.add(vertx.eventBus().consumer(Addresses.LIMITS_SPENT, new SpendSeedAnswer(limits, spend)));
          limitConsumers.add(vertx.eventBus().consumer(Addresses.USAGE_QUOTE,
              new PriceQuotes(book, System::currentTimeMillis)));
          List<Future<Void>> registered = new ArrayList<>(List.of(consumer.completion()));
          limitConsumers.forEach(limitConsumer -> registered.add(limitConsumer.completion()));
          return Future.all(registered).map(prices);
        })
        .onSuccess(prices -> LOG.info("usage ledger ready: {} store, prices from {} {} ({})",
            databaseUrl != null ? "PostgreSQL" : "embedded H2", prices.packageName(), prices.version(),
            prices.origin()));
  }

  private void onBatch(Message<Object> message) {
    List<RecordLine> records = new ArrayList<>();
    int[] malformed = {0};
    // One bad line must not hold the whole journal back forever: it is counted and skipped.
    // Records this JVM's gateway has just written come along with their lines and are not parsed again.
    List<UsageRecord> written = message.body() instanceof UsageLines lines ? lines.takeWritten() : null;
    UsageRecordLines.read(lines(message.body()), written, records::add, () -> malformed[0]++);
    if (malformed[0] > 0) {
      ledger.countMalformed(malformed[0]);
    }
    boolean neverSent = "true".equals(message.headers().get(Addresses.USAGE_NEVER_SENT_HEADER));
    int received = records.size();
    ledger.store(records, neverSent).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(new JsonObject().put("stored", ar.result()).put("received", received));
      } else {
        LOG.warn("The usage ledger could not store {} records: {}", received, ar.cause().toString());
        message.fail(503, "the usage store is unavailable");
      }
    });
  }

  /**
   * A batch's lines as UTF-8: taken from its {@link UsageLines} (the message stays reachable until
   * the answer, its lines need not), or as sent by a gateway of an earlier version (a string).
   */
  private static byte[] lines(Object body) {
    byte[] utf8 = body instanceof UsageLines lines ? lines.take()
        : body instanceof String sent ? sent.getBytes(StandardCharsets.UTF_8) : null;
    return utf8 == null ? new byte[0] : utf8;
  }

  /** Mounts the ledger's admin calls under {@code base} (the caller checked the admin token). */
  public void mountAdmin(Router router, String base) {
    ledger.mountAdmin(router, base);
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    for (MessageConsumer<Object> limitConsumer : limitConsumers) {
      unregistered = unregistered.compose(v -> limitConsumer.unregister());
    }
    if (limits != null) {
      unregistered = unregistered.compose(v -> limits.close());
    }
    if (retention != null) {
      retention.stop();
    }
    if (overrides != null) {
      unregistered = unregistered.compose(v -> overrides.close());
    }
    return unregistered.compose(v -> database == null ? Future.succeededFuture() : database.close());
  }
}
