package dev.portcullis.auth;

import io.vertx.ext.web.Router;
import java.util.function.BiConsumer;
import dev.portcullis.auth.admin.AdminApi;
import dev.portcullis.common.tls.TlsFiles;
import dev.portcullis.console.ConsoleRoutes;
import dev.portcullis.console.ConsoleSettings;
import dev.portcullis.auth.policy.PoliciesFile;
import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.database.Database;
import dev.portcullis.auth.store.LlmProxy;
import dev.portcullis.database.PostgresTls;
import dev.portcullis.auth.token.SigningKeys;
import dev.portcullis.auth.token.TokenIssuer;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.AuthSecret;
import dev.portcullis.common.auth.DataDirectory;
import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.auth.VirtualKeyFormat;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.http.ServerLimits;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service: the store of provider keys, LLM proxies, virtual keys, OAuth clients and
 * token-signing keys, the admin API on its own port, and the bus addresses the gateway asks
 * ({@code portcullis.auth.verify}, {@code .token}, {@code .oauth-client}, {@code .proxies},
 * {@code .keys}). It alone reads {@code ARCHESTRA_AUTH_SECRET}, decrypts provider keys and signs
 * tokens. Every bus answer is either the result or a {@link GatewayError} as the reply body, at
 * once, whatever goes wrong ({@link BusAnswers}).
 */
public final class AuthVerticle extends VerticleBase {

  public static final String ADMIN_HOST_SETTING = "PORTCULLIS_ADMIN_HOST";
  public static final String ADMIN_PORT_SETTING = "PORTCULLIS_ADMIN_PORT";
  public static final String DEFAULT_EXPIRY_SETTING = "ARCHESTRA_LLM_PROXY_VIRTUAL_KEYS_DEFAULT_EXPIRATION_SECONDS";
  /** Days a token-signing key signs before a new one takes over; 0: only the admin call rotates. */
  public static final String KEY_ROTATION_DAYS_SETTING = "PORTCULLIS_TOKEN_KEY_ROTATION_DAYS";
  /** How often signing keys are read again (another instance may have rotated) and their age checked. */
  static final long KEY_REFRESH_MILLIS = 60_000;
  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  private final Settings givenSettings;
  private final BiConsumer<Router, String> adminExtension;
  private AuthStore store;
  private HttpServer adminServer;
  /** The admin port's TLS pair, read off the event loop at start; {@code null} for plain HTTP. */
  private volatile TlsFiles adminTls;
  private volatile String adminHost;
  private volatile Optional<Path> adminTokenFile = Optional.empty();
  private AdminApi admin;

  /** Reads its settings from the deployment's config. */
  public AuthVerticle() {
    this(null);
  }

  public AuthVerticle(Settings settings) {
    this(settings, (router, base) -> { });
  }

  /** @param adminExtension mounts other services' admin calls on the admin API (the usage ledger's) */
  public AuthVerticle(Settings settings, BiConsumer<Router, String> adminExtension) {
    this.givenSettings = settings;
    this.adminExtension = adminExtension;
  }

  /**
   * A router built as the admin API's server builds its own, its extensions mounted: what a test
   * lists the admin calls from (never served). Null before start.
   */
  public Router adminRouter() {
    return admin == null ? null : admin.router();
  }

  /** The admin API's actual port (useful when configured as 0); -1 before start. */
  public int adminPort() {
    return adminServer == null ? -1 : adminServer.actualPort();
  }

  /** The interface the admin API listens on; {@code null} before start. */
  /** Whether the admin port speaks TLS (known once started). */
  public boolean adminTls() {
    return adminTls != null;
  }

  public String adminHost() {
    return adminHost;
  }

  /**
   * The file the admin token is kept in, or empty when {@code PORTCULLIS_ADMIN_TOKEN} gives it (or
   * before start). Its location only: the token itself never leaves this verticle.
   */
  public Optional<Path> adminTokenFile() {
    return adminTokenFile;
  }

  private record Secrets(SecretCipher cipher, byte[] checksumKey, String adminToken) {
    @Override
    public String toString() {
      return "Secrets[<redacted>]";
    }
  }

  @Override
  public Future<?> start() {
    Settings settings = givenSettings != null ? givenSettings : new Settings(config());
    BusCodecs.register(vertx);
    Path dataDir = AuthSecret.dataDir(settings);
    String databaseUrl = settings.string(Database.DATABASE_URL_SETTING);
    long defaultExpirySeconds = settings.longValue(DEFAULT_EXPIRY_SETTING, 0, 0, 100L * 365 * 24 * 3600);
    long rotationDays = settings.longValue(KEY_ROTATION_DAYS_SETTING, 30, 0, 3650);
    String adminHost = settings.string(ADMIN_HOST_SETTING, "127.0.0.1");
    int adminPort = settings.port(ADMIN_PORT_SETTING, 9001);
    OrgDefaultKeys orgDefaults = OrgDefaultKeys.fromSettings(settings);
    String policiesFile = settings.string(PoliciesFile.SETTING);
    ConsoleSettings console = ConsoleSettings.from(settings);
    boolean clustered = vertx.isClustered();
    // Before anything starts: a missing, short or published secret stops the process here.
    AuthSecret.check(settings, clustered);
    if (databaseUrl != null) {
      PostgresTls.warning(databaseUrl).ifPresent(LOG::warn);
    }

    // The policies file first: a bad one stops the start before the store is opened. Reading it,
    // secret files, permissions and key derivation are blocking work: keep them off the event loop.
    return vertx.executeBlocking(() -> policiesFile == null ? null : PoliciesFile.read(Path.of(policiesFile)))
        .compose(policies -> vertx.executeBlocking(() -> {
          adminTls = TlsFiles.forAdmin(settings);
          console.checkServedSafely(adminHost, adminTls != null);
          DataDirectory.prepare(dataDir);
          String secret = AuthSecret.resolve(settings, clustered);
          return new Secrets(SecretCipher.fromSecret(secret), VirtualKeyFormat.checksumKey(secret),
              AdminToken.resolve(settings, dataDir));
        })
        .compose(secrets -> {
          store = new AuthStore(databaseUrl != null ? Database.postgres(vertx, databaseUrl)
              : Database.embedded(vertx, dataDir));
          SigningKeys signingKeys = new SigningKeys(vertx, store, secrets.cipher(), secrets.checksumKey(),
              System::currentTimeMillis);
          return store.migrate()
              .compose(version -> store.ensureDefaultProxy())
              // H2 created its files with the process umask: make them owner-only too.
              .compose(defaultProxy -> vertx.executeBlocking(() -> {
                DataDirectory.tightenFiles(dataDir);
                return null;
              }))
              // After the default proxy exists, so the file may name it.
              .compose(tightened -> policies == null ? Future.succeededFuture() : policies.applyTo(store, vertx))
              .compose(applied -> signingKeys.load())
              .compose(loaded -> {
                PrincipalAssembler assembler = new PrincipalAssembler(store, secrets.cipher(), orgDefaults);
                registerConsumers(assembler, signingKeys, secrets.checksumKey());
                keepKeysFresh(signingKeys, rotationDays);
                admin = new AdminApi(vertx, store, secrets.cipher(), secrets.adminToken(), defaultExpirySeconds,
                    secrets.checksumKey(), signingKeys).withExtension(adminExtension);
                if (console.enabled()) {
                  admin.withConsole(new ConsoleRoutes(console, adminTls != null, System::currentTimeMillis));
                }
                return admin.listen(adminHost, adminPort, ServerLimits.from(settings), adminTls);
              });
        }))
        // A start that fails after the store opened (a policies file naming no proxy) closes it.
        .recover(failure -> store == null ? Future.failedFuture(failure)
            : store.close().transform(closed -> Future.failedFuture(failure)))
        .onSuccess(server -> {
          adminServer = server;
          this.adminHost = adminHost;
          adminTokenFile = AdminToken.file(settings, dataDir);
          LOG.info("auth-service ready: {} store, admin API{} on {}://{}:{}, organisation default keys for {}",
              databaseUrl != null ? "PostgreSQL" : "embedded H2 in " + dataDir.toAbsolutePath().normalize(),
              console.enabled() ? " and console" : "", adminTls != null ? "https" : "http",
              adminHost, server.actualPort(), orgDefaults.providers());
        });
  }

  private void registerConsumers(PrincipalAssembler assembler, SigningKeys signingKeys, byte[] checksumKey) {
    BusAnswers bus = new BusAnswers(vertx);
    VirtualKeyVerifier verifier = new VirtualKeyVerifier(store, assembler, LookupLimiter.of(vertx,
        VirtualKeyVerifier.MAX_FAILURES, VirtualKeyVerifier.WINDOW_MILLIS), checksumKey);
    TokenIssuer tokenIssuer = new TokenIssuer(store, signingKeys::current);
    bus.answer(Addresses.AUTH_VERIFY, (VerifyRequest request) -> verifier.verify(request));
    bus.answer(Addresses.AUTH_TOKEN, (TokenRequest request) -> tokenIssuer.issue(request).map(r -> (Object) r));
    bus.answer(Addresses.AUTH_OAUTH_CLIENT, (String clientId) -> store.findOAuthClientByClientId(clientId)
        .compose(client -> client.isPresent()
            ? assembler.forOAuthClient(client.get()).map(p -> (Object) p)
            : Future.succeededFuture(GatewayError.of(ErrorKind.AUTHENTICATION,
                "This OAuth client no longer exists; its tokens are revoked"))));
    bus.answer(Addresses.AUTH_PROXIES, (Object ignored) -> store.listLlmProxies().map(proxies -> {
      Map<String, String> names = new LinkedHashMap<>();
      Map<String, String> audit = new LinkedHashMap<>();
      Map<String, String> policies = new LinkedHashMap<>();
      Map<String, String> fallbacks = new LinkedHashMap<>();
      String defaultId = null;
      for (LlmProxy proxy : proxies) {
        names.put(proxy.id(), proxy.name());
        if (!"none".equals(proxy.auditBodies())) {
          audit.put(proxy.id(), proxy.auditBodies());
        }
        // Stored only when not empty: an empty document is stored as none.
        if (proxy.policies() != null) {
          policies.put(proxy.id(), proxy.policies());
        }
        // Likewise: no fallbacks are stored as none.
        if (proxy.fallbacks() != null) {
          fallbacks.put(proxy.id(), proxy.fallbacks());
        }
        defaultId = proxy.isDefault() ? proxy.id() : defaultId;
      }
      return (Object) new LlmProxyDirectory(names, defaultId, audit, policies, fallbacks);
    }));
    bus.answer(Addresses.AUTH_KEYS, (Object ignored) -> Future.succeededFuture(signingKeys.gatewayKeys().toJson()));
    bus.answer(Addresses.AUTH_SUBJECT, (Object ask) -> subjectExists(ask));
  }

  /** Whether the virtual key, OAuth client or LLM proxy a limit rule names exists. */
  private Future<Object> subjectExists(Object ask) {
    if (ask instanceof JsonObject named && named.size() == 1) {
      String field = named.fieldNames().iterator().next();
      String table = switch (field) {
        case "virtualKeyId" -> "virtual_keys";
        case "oauthClientId" -> "oauth_clients";
        case "llmProxyId" -> "llm_proxies";
        default -> null;
      };
      if (table != null && named.getValue(field) instanceof String id) {
        return store.exists(table, id).map(exists -> (Object) new JsonObject().put("exists", exists));
      }
    }
    return Future.succeededFuture(GatewayError.invalidRequest(
        "Ask with one of virtualKeyId, oauthClientId or llmProxyId", null));
  }

  /**
   * Another instance's rotation is heard on the events address; a periodic read is the backstop
   * (and retires keys past their grace period from what is published), and rotates by age.
   */
  private void keepKeysFresh(SigningKeys signingKeys, long rotationDays) {
    vertx.eventBus().<JsonObject>consumer(Addresses.AUTH_EVENTS, event -> {
      if (event.body() != null && AuthEvents.SIGNING_KEY.equals(event.body().getString("kind"))) {
        signingKeys.reload().onFailure(failure -> LOG.warn("Could not read the signing keys again: {}", failure.toString()));
      }
    });
    long maxAgeMillis = rotationDays * 24 * 3600 * 1000;
    vertx.setPeriodic(KEY_REFRESH_MILLIS, id -> signingKeys.reload()
        .compose(v -> maxAgeMillis > 0 ? signingKeys.rotateIfOlderThan(maxAgeMillis) : Future.succeededFuture(false))
        .onFailure(failure -> LOG.warn("Could not refresh the signing keys: {}", failure.toString())));
  }

  @Override
  public Future<?> stop() {
    return store == null ? Future.succeededFuture() : store.close();
  }
}
