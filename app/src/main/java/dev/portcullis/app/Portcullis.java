package dev.portcullis.app;

import dev.portcullis.app.cluster.ClusterSettings;
import dev.portcullis.app.cluster.ClusteredVertx;
import dev.portcullis.app.discovery.ProviderAnnouncer;
import dev.portcullis.app.discovery.ProviderDirectory;
import dev.portcullis.app.tracing.Tracing;
import dev.portcullis.auth.AuthVerticle;
import dev.portcullis.auth.admin.AdminApi;
import dev.portcullis.common.auth.AuthSecret;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.gateway.GatewaySettings;
import dev.portcullis.gateway.GatewayVerticle;
import dev.portcullis.common.limit.LimitCounters;
import dev.portcullis.app.cluster.LimitCounterStores;
import dev.portcullis.gateway.limit.LimitRuleBook;
import dev.portcullis.gateway.limit.LimitSettings;
import dev.portcullis.gateway.limit.Limits;
import dev.portcullis.gateway.observe.GenAiSpans;
import dev.portcullis.gateway.usage.JournalRedaction;
import dev.portcullis.gateway.usage.UsageSettings;
import dev.portcullis.gateway.usage.UsageShipper;
import dev.portcullis.provider.ProviderSettings;
import dev.portcullis.router.ModelRouterVerticle;
import dev.portcullis.router.RouterSettings;
import dev.portcullis.router.models.ModelListCache;
import dev.portcullis.usage.UsageLedgerVerticle;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.net.BindException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Portcullis process: its Vert.x instance and the verticles of the roles it runs. The
 * launcher and the tests both start it here, so tests run exactly what the jar runs.
 */
public final class Portcullis {

  private static final Logger LOG = LoggerFactory.getLogger(Portcullis.class);
  /** How long a stopping gateway waits for the ledger to confirm the last records. */
  static final long SHIPPER_CLOSE_WAIT_MILLIS = 3_000;

  static final String ROLES = "PORTCULLIS_ROLES";
  static final String GATEWAY_INSTANCES = "PORTCULLIS_GATEWAY_INSTANCES";
  static final String PROVIDER_INSTANCES = "PORTCULLIS_PROVIDER_INSTANCES";
  static final String DISCOVERY_HEARTBEAT = "PORTCULLIS_DISCOVERY_HEARTBEAT_MS";

  private final Vertx vertx;
  private final Settings settings;
  private final ClusterSettings cluster;
  private final Tracing tracing;
  private final PrometheusMeterRegistry registry;
  private final AtomicBoolean ready = new AtomicBoolean();
  private final List<String> gatewayDeployments = new ArrayList<>();
  private MetricsServer metricsServer;
  private ProviderDirectory providerDirectory;
  /** The gateway's usage records on their way to the ledger; {@code null} when they are off. */
  private volatile UsageShipper usageShipper;
  /** The limit rules this process's gateways enforce; {@code null} without the gateway role. */
  private LimitRuleBook limitRules;
  private int gatewayPort = -1;
  /** The auth role's verticle (admin port and token location); {@code null} without that role. */
  private AuthVerticle auth;

  private Portcullis(Vertx vertx, Settings settings, ClusterSettings cluster, Tracing tracing) {
    this.vertx = vertx;
    this.settings = settings;
    this.cluster = cluster;
    this.tracing = tracing;
    this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Starts with the environment of this process. */
  public static Future<Portcullis> start(LaunchOptions launch) {
    return start(launch, ConfigLoader.environment());
  }

  /**
   * Starts with the given environment (tests pass their own). The settings are read first, on a
   * short-lived local Vert.x: whether and how to join a cluster is one of them, and whether to
   * trace (a Vert.x instance gets its tracer when it is made).
   */
  public static Future<Portcullis> start(LaunchOptions launch, JsonObject environment) {
    return start(launch, environment, null);
  }

  /**
   * As {@link #start(LaunchOptions, JsonObject)}; with {@code testSpans} set, tracing is on and
   * every span also goes there as it ends (tests read it).
   */
  static Future<Portcullis> start(LaunchOptions launch, JsonObject environment, SpanExporter testSpans) {
    Vertx bootstrap = Vertx.vertx(new VertxOptions().setPreferNativeTransport(true));
    // Not tied to the bootstrap instance's context: that context is gone once it is closed.
    Promise<Portcullis> started = Promise.promise();
    ConfigLoader.load(bootstrap, launch, environment).onComplete(loaded -> {
      if (loaded.failed()) {
        bootstrap.close();
        started.fail(loaded.cause());
        return;
      }
      Settings settings = new Settings(loaded.result());
      ClusterSettings cluster;
      Tracing tracing;
      try {
        cluster = ClusterSettings.from(settings);
        tracing = Tracing.from(settings, testSpans);
      } catch (RuntimeException e) {
        bootstrap.close();
        started.fail(e);
        return;
      }
      if (!cluster.enabled() && !tracing.enabled()) {
        deployOn(new Portcullis(bootstrap, settings, cluster, tracing), started);
        return;
      }
      // Made from a plain thread: a Vert.x instance is not meant to be created on another's event loop.
      new Thread(() -> newVertx(cluster, tracing).onComplete(made -> {
        bootstrap.close();
        if (made.failed()) {
          tracing.shutdown();
          started.fail(made.cause());
        } else {
          deployOn(new Portcullis(made.result(), settings, cluster, tracing), started);
        }
      }), cluster.enabled() ? "portcullis-cluster-join" : "portcullis-vertx-start").start();
    });
    return started.future();
  }

  /** The process's Vert.x: clustered or not, with a tracer when tracing is on. */
  private static Future<Vertx> newVertx(ClusterSettings cluster, Tracing tracing) {
    if (cluster.enabled()) {
      return ClusteredVertx.start(cluster, tracing::applyTo);
    }
    try {
      return Future.succeededFuture(tracing.applyTo(Vertx.builder()
          .with(new VertxOptions().setPreferNativeTransport(true))).build());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static void deployOn(Portcullis portcullis, Promise<Portcullis> started) {
    BusCodecs.register(portcullis.vertx);
    portcullis.vertx.exceptionHandler(UnhandledExceptions::log);
    Future<Void> deployed;
    try {
      deployed = portcullis.deploy();
    } catch (RuntimeException e) {
      deployed = Future.failedFuture(e);
    }
    deployed.onComplete(ar -> {
      if (ar.succeeded()) {
        started.complete(portcullis);
      } else {
        portcullis.vertx.close().eventually(portcullis.tracing::shutdown);
        started.fail(ar.cause());
      }
    });
  }

  private Future<Void> deploy() {
    // Read and check every setting before anything starts, so a bad one stops the process at once.
    Set<Role> roles = Role.parse(ROLES, settings.list(ROLES));
    GatewaySettings gatewayOptions = GatewaySettings.from(settings);
    UsageSettings usageSettings = UsageSettings.from(settings);
    ProviderSettings providerOptions = ProviderSettings.from(settings);
    int metricsPort = settings.port(MetricsServer.PORT, 9050);
    int cores = Runtime.getRuntime().availableProcessors();
    int gatewayInstances = instances(GATEWAY_INSTANCES, cores);
    int providerInstances = instances(PROVIDER_INSTANCES, cores);
    List<ProviderCatalog.Entry> providers = ProviderCatalog.entries(settings, providerOptions, registry);
    long heartbeatMs = settings.longValue(DISCOVERY_HEARTBEAT, 5000, 100, 600_000);
    GenAiSpans genAiSpans = tracing.genAiSpans(settings);
    LimitSettings limitSettings = LimitSettings.from(settings);
    LimitCounters limitCounters = LimitCounterStores.of(vertx, settings);

    String metricsSecret = settings.string(MetricsServer.SECRET);
    metricsServer = new MetricsServer(registry,
        MetricsServer.bindHost(settings.string(MetricsServer.HOST), metricsSecret, gatewayOptions.host()), metricsPort,
        metricsSecret, gatewayOptions.limits());
    Future<?> chain = vertx.deployVerticle(metricsServer)
        .recover(err -> Future.failedFuture(bindError(MetricsServer.PORT, metricsPort, err)));
    if (roles.contains(Role.AUTH)) {
      // A missing or weak auth secret stops the start before anything runs (the ledger, deployed
      // first, would otherwise fail on its database with a less useful error).
      AuthSecret.check(settings, vertx.isClustered());
      // The usage ledger lives with the store and serves its part of the admin API; one instance
      // each: they own their schemas' migrations and the admin port.
      // Its limit status reads the same counters the gateways reserve on.
      UsageLedgerVerticle ledger = new UsageLedgerVerticle(settings, registry, ctx -> ctx.get(AdminApi.BODY),
          limitCounters);
      chain = chain.compose(v -> vertx.deployVerticle(ledger, UsageLedgerVerticle.deployment()));
      auth = new AuthVerticle(settings, ledger::mountAdmin);
      chain = chain.compose(v -> vertx.deployVerticle(auth)
          .recover(err -> Future.failedFuture(bindError(AuthVerticle.ADMIN_PORT_SETTING,
              settings.port(AuthVerticle.ADMIN_PORT_SETTING, 9001), err))));
    }
    if (roles.contains(Role.PROVIDERS)) {
      for (ProviderCatalog.Entry provider : providers) {
        chain = chain.compose(v -> vertx.deployVerticle(provider.verticles(),
            new DeploymentOptions().setInstances(providerInstances)));
      }
      // Announced once every provider consumes its address, so a record never points at nothing.
      Map<String, List<String>> routes = providerRoutes(providers);
      chain = chain.compose(v -> vertx.deployVerticle(new ProviderAnnouncer(routes, heartbeatMs)));
    }
    if (roles.contains(Role.ROUTER)) {
      ModelListCache modelLists = new ModelListCache(RouterSettings.from(settings).modelListTtlMs(),
          System::currentTimeMillis);
      chain = chain.compose(v -> vertx.deployVerticle(() -> new ModelRouterVerticle(modelLists),
          new DeploymentOptions().setInstances(providerInstances)));
    }
    if (roles.contains(Role.GATEWAY)) {
      // A record is stale after three missed heartbeats: its process is gone.
      providerDirectory = new ProviderDirectory(vertx, Math.min(heartbeatMs, 2000), 3 * heartbeatMs);
      List<GatewayVerticle> gateways = new ArrayList<>();
      // Rules live with the ledger: a standalone process without it can have none to enforce.
      limitRules = roles.contains(Role.AUTH) || vertx.isClustered()
          ? new LimitRuleBook(vertx, limitSettings.rulesPollMs()) : LimitRuleBook.of(vertx, List.of());
      Limits limits = new Limits(limitRules, limitCounters, limitSettings);
      // With the ledger in this process, the first calls already know the rules; elsewhere readiness waits for them.
      chain = chain.compose(v -> {
        Future<Void> first = limitRules.start();
        return roles.contains(Role.AUTH) ? first.timeout(10, TimeUnit.SECONDS).recover(err -> Future.succeededFuture())
            : Future.succeededFuture();
      });
      if (usageSettings.enabled()) {
        chain = chain.compose(v -> vertx.executeBlocking(() -> {
          usageShipper = UsageShipper.start(vertx, usageSettings.journalDir(), usageSettings.journalMaxBytes(),
              registry, JournalRedaction::redact, gatewayOptions.upstreamTimeoutMs());
          return null;
        }).recover(err -> Future.failedFuture(new SettingsException(UsageSettings.ENABLED,
            "the usage journal in " + usageSettings.journalDir() + " cannot be used: " + err.getMessage()))));
      }
      chain = chain.compose(v -> vertx.deployVerticle(() -> {
            GatewayVerticle gateway = new GatewayVerticle(gatewayOptions, settings, registry, this::isReady,
                providerDirectory, usageShipper == null ? null : usageShipper::offer, genAiSpans, limits,
                // A lone gateway without auth-service has no LLM proxies, so no policies to read.
                roles.contains(Role.AUTH) || vertx.isClustered());
            synchronized (gateways) {
              gateways.add(gateway);
            }
            return gateway;
          }, new DeploymentOptions().setInstances(gatewayInstances))
          .recover(err -> Future.failedFuture(bindError(GatewaySettings.PORT, gatewayOptions.port(), err)))
          .onSuccess(id -> {
            gatewayDeployments.add(id);
            gatewayPort = gateways.get(0).actualPort();
          }));
    }
    return chain.<Void>mapEmpty().onSuccess(v -> {
      ready.set(true);
      StartupBanner.of(gatewayOptions.host(), gatewayPort, gatewayOptions.tls() != null,
              auth == null ? null : auth.adminHost(), auth == null ? -1 : auth.adminPort(), auth != null && auth.adminTls(),
              auth == null ? null : auth.adminTokenFile(), metricsServer.host(), metricsServer.actualPort())
          .log(LOG, "Portcullis started: roles {}, {}", roles,
              cluster.enabled() ? "clustered as " + cluster.name() : "standalone");
    });
  }

  /**
   * Ready for traffic: started, the limit rules known, and in a cluster, some provider process is up (its discovery
   * record has a fresh heartbeat), since the gateway alone cannot answer any call.
   */
  private boolean isReady() {
    return ready.get() && (limitRules == null || limitRules.loaded())
        && (!cluster.enabled() || providerDirectory.anyUp());
  }

  /** Each provider's routes as its descriptor declares them, for the discovery records. */
  private static Map<String, List<String>> providerRoutes(List<ProviderCatalog.Entry> providers) {
    Map<String, List<String>> routes = new LinkedHashMap<>();
    for (ProviderCatalog.Entry provider : providers) {
      String name = provider.descriptor().name();
      routes.put(name, provider.descriptor().routes().stream()
          .map(route -> route.method() + " /v1/" + name + "[/{id}]" + route.path()).toList());
    }
    return routes;
  }

  private int instances(String setting, int cores) {
    int value = (int) settings.longValue(setting, 0, 0, 256);
    return value == 0 ? cores : value;
  }

  private static Throwable bindError(String setting, int port, Throwable err) {
    Throwable cause = err;
    while (cause != null && !(cause instanceof BindException)) {
      cause = cause.getCause();
    }
    if (cause != null || String.valueOf(err.getMessage()).contains("Address already in use")) {
      return new SettingsException(setting, "port " + port + " is already in use");
    }
    return err;
  }

  /**
   * Stops gracefully: the gateways stop accepting and let in-flight calls and streams finish (up
   * to the drain timeout) while the providers still serve them; then everything closes.
   */
  public Future<Void> stop() {
    ready.set(false);
    Future<?> drained = Future.succeededFuture();
    for (String id : gatewayDeployments) {
      drained = drained.compose(v -> vertx.undeploy(id));
    }
    if (limitRules != null) {
      limitRules.close();
    }
    if (providerDirectory != null) {
      drained = drained.eventually(() -> {
        providerDirectory.close();
        return Future.succeededFuture();
      });
    }
    if (usageShipper != null) {
      // Calls are over: what they recorded is journaled and synced, and sent while the ledger still
      // runs in this process (what it does not confirm in time ships at the next start).
      UsageShipper shipper = usageShipper;
      drained = drained.eventually(() -> vertx.executeBlocking(() -> {
        shipper.close(SHIPPER_CLOSE_WAIT_MILLIS);
        return null;
      }));
    }
    // Undeploying everything first withdraws this process's discovery records before it leaves;
    // the spans of the last calls are exported once everything has closed.
    return drained.recover(err -> Future.succeededFuture()).compose(v -> vertx.close())
        .eventually(tracing::shutdown);
  }

  /** Whether this process joined a cluster. */
  public boolean clustered() {
    return vertx.isClustered();
  }

  public Vertx vertx() {
    return vertx;
  }

  public int gatewayPort() {
    return gatewayPort;
  }

  public int metricsPort() {
    return metricsServer.actualPort();
  }

  public Settings settings() {
    return settings;
  }
}
