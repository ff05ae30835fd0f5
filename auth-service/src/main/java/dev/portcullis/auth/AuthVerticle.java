package dev.portcullis.auth;

import dev.portcullis.auth.admin.AdminApi;
import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.auth.store.Database;
import dev.portcullis.auth.store.LlmProxy;
import dev.portcullis.auth.token.TokenIssuer;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.auth.AuthSecret;
import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.TokenRequest;
import dev.portcullis.common.auth.VerifyRequest;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.config.ConfigException;
import dev.portcullis.common.config.Settings;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * auth-service: the store of provider keys, LLM proxies, virtual keys and OAuth clients, the admin
 * API on its own port, and the bus addresses the gateway asks ({@code portcullis.auth.verify},
 * {@code .token}, {@code .oauth-client}, {@code .proxies}). Every bus answer is either the result
 * or a {@link GatewayError} as the reply body.
 */
public final class AuthVerticle extends VerticleBase {

  public static final String ADMIN_HOST_SETTING = "PORTCULLIS_ADMIN_HOST";
  public static final String ADMIN_PORT_SETTING = "PORTCULLIS_ADMIN_PORT";
  public static final String DEFAULT_EXPIRY_SETTING = "ARCHESTRA_LLM_PROXY_VIRTUAL_KEYS_DEFAULT_EXPIRATION_SECONDS";
  private static final Logger LOG = LoggerFactory.getLogger(AuthVerticle.class);

  private final Settings givenSettings;
  private AuthStore store;
  private HttpServer adminServer;

  /** Reads its settings from the deployment's config. */
  public AuthVerticle() {
    this(null);
  }

  public AuthVerticle(Settings settings) {
    this.givenSettings = settings;
  }

  /** The admin API's actual port (useful when configured as 0); -1 before start. */
  public int adminPort() {
    return adminServer == null ? -1 : adminServer.actualPort();
  }

  private record Secrets(SecretCipher cipher, AccessTokens tokens, String adminToken) {
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
    String adminHost = settings.string(ADMIN_HOST_SETTING, "127.0.0.1");
    int adminPort = settings.port(ADMIN_PORT_SETTING, 9001);
    OrgDefaultKeys orgDefaults = OrgDefaultKeys.fromSettings(settings);
    if (databaseUrl != null && AuthSecret.configured(settings) == null) {
      // Every instance sharing the database must derive the same keys; a per-machine file cannot give that.
      throw new ConfigException(AuthSecret.SETTING, "is required when " + Database.DATABASE_URL_SETTING + " is set");
    }

    // Secret files and key derivation are blocking work: keep them off the event loop.
    return vertx.executeBlocking(() -> {
          Files.createDirectories(dataDir);
          String secret = AuthSecret.resolve(settings);
          return new Secrets(SecretCipher.fromSecret(secret), AccessTokens.fromSecret(secret),
              AdminToken.resolve(settings, dataDir));
        })
        .compose(secrets -> {
          store = new AuthStore(databaseUrl != null ? Database.postgres(vertx, databaseUrl)
              : Database.embedded(vertx, dataDir));
          return store.migrate()
              .compose(version -> store.ensureDefaultProxy())
              .compose(defaultProxy -> {
                PrincipalAssembler assembler = new PrincipalAssembler(store, secrets.cipher(), orgDefaults);
                registerConsumers(assembler, new TokenIssuer(store, secrets.tokens()));
                AdminApi admin = new AdminApi(vertx, store, secrets.cipher(), secrets.adminToken(), defaultExpirySeconds);
                return vertx.createHttpServer(new HttpServerOptions().setHost(adminHost).setPort(adminPort))
                    .requestHandler(admin.router())
                    .listen();
              });
        })
        .onSuccess(server -> {
          adminServer = server;
          LOG.info("auth-service ready: {} store, admin API on {}:{}, organisation default keys for {}",
              databaseUrl != null ? "PostgreSQL" : "embedded H2 in " + dataDir.toAbsolutePath().normalize(),
              adminHost, server.actualPort(), orgDefaults.providers());
        });
  }

  private void registerConsumers(PrincipalAssembler assembler, TokenIssuer tokenIssuer) {
    VirtualKeyVerifier verifier = new VirtualKeyVerifier(store, assembler, LookupLimiter.of(vertx,
        VirtualKeyVerifier.MAX_FAILURES, VirtualKeyVerifier.WINDOW_MILLIS));
    answer(Addresses.AUTH_VERIFY, (VerifyRequest request) -> verifier.verify(request));
    answer(Addresses.AUTH_TOKEN, (TokenRequest request) -> tokenIssuer.issue(request).map(r -> (Object) r));
    answer(Addresses.AUTH_OAUTH_CLIENT, (String clientId) -> store.findOAuthClientByClientId(clientId)
        .compose(client -> client.isPresent()
            ? assembler.forOAuthClient(client.get()).map(p -> (Object) p)
            : Future.succeededFuture(GatewayError.of(ErrorKind.AUTHENTICATION,
                "This OAuth client no longer exists; its tokens are revoked"))));
    answer(Addresses.AUTH_PROXIES, (Object ignored) -> store.listLlmProxies().map(proxies -> {
      Map<String, String> names = new LinkedHashMap<>();
      String defaultId = null;
      for (LlmProxy proxy : proxies) {
        names.put(proxy.id(), proxy.name());
        defaultId = proxy.isDefault() ? proxy.id() : defaultId;
      }
      return (Object) new LlmProxyDirectory(names, defaultId);
    }));
  }

  /** Consumes an address; a store failure is answered as 503 rather than left to time out. */
  private <T> void answer(String address, Function<T, Future<Object>> handler) {
    vertx.eventBus().<T>consumer(address, (Message<T> message) -> {
      Future<Object> reply;
      try {
        reply = handler.apply(message.body());
      } catch (RuntimeException e) {
        reply = Future.failedFuture(e);
      }
      reply.onSuccess(message::reply).onFailure(failure -> {
        LOG.error("auth-service could not answer on {}", address, failure);
        message.reply(GatewayError.unavailable("The authentication store is unavailable; try again shortly"));
      });
    });
  }

  @Override
  public Future<?> stop() {
    return store == null ? Future.succeededFuture() : store.close();
  }
}
