package dev.portcullis.gateway.auth;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AccessTokens;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.LlmProxyDirectory;
import dev.portcullis.common.auth.Principal;
import dev.portcullis.common.auth.VirtualKeyFormat;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.error.ErrorKind;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * Decides, for one client call, which credential goes upstream:
 *
 * <ul>
 *   <li>a virtual key ({@code pc-vk-...}) must carry a valid checksum (checked here, so a made-up
 *       key never costs a bus call or a store lookup), then is verified by auth-service, and the
 *       answer cached by the key's SHA-256 for at most {@link AuthAnswers#TTL_MILLIS} (concurrent
 *       first uses share one lookup, and a key in use is refreshed in the background before its
 *       answer runs out: {@link RefreshingCache});</li>
 *   <li>one of our access tokens (a JWT whose kid starts with {@code pc-}) is verified here with
 *       auth-service's public keys (ES256 signature, expiry, audience, scope, kid), then its OAuth
 *       client's current credentials are asked for once and cached;</li>
 *   <li>anything else is the caller's own provider key, passed through unless
 *       {@code PORTCULLIS_PASSTHROUGH=false}.</li>
 * </ul>
 *
 * The gateway never holds the auth secret, the admin token or the database URL: what it checks
 * with comes from auth-service ({@link GatewayKeyCache}). Revocations published by auth-service
 * on {@code portcullis.auth.events} drop cached answers at once; a signing-key rotation makes it
 * fetch the public keys again. Failures are {@link dev.portcullis.common.error.GatewayException}s carrying the error to
 * render: 401 bad, unknown, expired or revoked credential; 403 proxy not allowed or no provider
 * key for the provider; 404 unknown proxy id; 429 too many failed lookups; 503 auth-service down.
 */
public final class CredentialResolver {

  public static final String PASSTHROUGH_SETTING = "PORTCULLIS_PASSTHROUGH";
  private static final String OAUTH_CACHE_PREFIX = "oauth-client:";
  private static final String DIRECTORY_KEY = "all";

  private final boolean passthroughAllowed;
  private final ClientAddresses clientAddresses;
  private final AuthServiceClient authService;
  private final Vertx vertx;
  /** Shared with the other event loops' resolvers on this Vert.x instance, or this resolver's own. */
  private final AuthAnswers answers;
  private final boolean sharedAnswers;
  private final MessageConsumer<JsonObject> events;
  private final GatewayKeyCache keys;

  /** Reads only its own settings ({@code PORTCULLIS_PASSTHROUGH}, {@code PORTCULLIS_TRUSTED_PROXIES}). */
  public CredentialResolver(Vertx vertx, Settings settings) {
    this(vertx, settings, null);
  }

  /** With {@code ownAnswers} (tests: a clock of their own), or {@code null} for the shared copy. */
  CredentialResolver(Vertx vertx, Settings settings, AuthAnswers ownAnswers) {
    this.vertx = vertx;
    this.sharedAnswers = ownAnswers == null;
    this.answers = sharedAnswers ? AuthAnswers.attach(vertx) : ownAnswers;
    this.passthroughAllowed = settings.bool(PASSTHROUGH_SETTING, true);
    this.clientAddresses = ClientAddresses.fromSettings(settings);
    this.authService = new AuthServiceClient(vertx);
    this.keys = new GatewayKeyCache(authService::gatewayKeys, System::currentTimeMillis);
    BusCodecs.register(vertx);
    // A cluster-wide consumer, not a local one: auth-service may publish from another node, and a
    // local consumer never receives messages published elsewhere in the cluster.
    this.events = vertx.eventBus().consumer(Addresses.AUTH_EVENTS, message -> onAuthEvent(message.body()));
  }

  /**
   * The request's client address ({@link ClientAddresses}: {@code X-Forwarded-For} only from a
   * trusted proxy), to pass to {@link #resolve} and {@link #resolveMapped}.
   */
  public String clientAddress(HttpServerRequest request) {
    return clientAddresses.clientAddress(request);
  }

  /**
   * @param credential    the raw credential from the header the called API uses, or {@code null}
   * @param provider      the provider of the route ({@code openai}, ...)
   * @param proxyId       the route's LLM proxy id, or {@code null} for the default proxy
   * @param clientAddress the client's address, for the failed-lookup limiter
   */
  public Future<Resolution> resolve(String credential, String provider, String proxyId, String clientAddress) {
    String presented = credential == null ? "" : credential.trim();
    if (VirtualKeyFormat.looksLikeVirtualKey(presented)) {
      return virtualKey(presented, clientAddress)
          .compose(principal -> authorize(principal, List.of(), provider, proxyId, "virtual key"));
    }
    if (AccessTokens.looksLikeOurs(presented)) {
      return accessToken(presented, provider, proxyId);
    }
    if (presented.isEmpty()) {
      return routeProxy(proxyId).map(Resolution::anonymous);
    }
    if (!passthroughAllowed) {
      return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION,
          "This gateway requires a Portcullis virtual key (pc-vk-...) or an access token from "
              + "/api/auth/oauth2/token; provider keys are not passed through").toException());
    }
    return routeProxy(proxyId).map(Resolution::passthrough);
  }

  /**
   * For calls that use no stored credential: a named proxy must exist (404 otherwise), but a call
   * without one does not need auth-service at all, so passthrough keeps working while it is down.
   */
  private Future<String> routeProxy(String proxyId) {
    return proxyId == null ? Future.succeededFuture(null) : effectiveProxy(proxyId);
  }

  /**
   * For the model router: the whole provider mapping of a virtual key or access token allowed on
   * {@code proxyId} (which must exist). A provider key or no credential at all is a 401: the router
   * picks the provider from the model name, so only a Portcullis credential can say which
   * provider keys the caller may use.
   */
  public Future<MappedCredentials> resolveMapped(String credential, String proxyId, String clientAddress) {
    String presented = credential == null ? "" : credential.trim();
    if (VirtualKeyFormat.looksLikeVirtualKey(presented)) {
      return virtualKey(presented, clientAddress)
          .compose(principal -> authorizeProxy(principal, List.of(), proxyId, "virtual key")
              .map(effective -> mapped(principal, effective)));
    }
    if (AccessTokens.looksLikeOurs(presented)) {
      return verifiedToken(presented)
          .compose(claims -> oauthPrincipal(claims.clientId())
              .compose(principal -> authorizeProxy(principal, claims.proxyIds(), proxyId, "access token")
                  .map(effective -> mapped(principal, effective))));
    }
    return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION, presented.isEmpty()
        ? "No API key was sent. The model router takes a Portcullis virtual key (pc-vk-...) or an access token "
            + "from /api/auth/oauth2/token as Authorization: Bearer <key>."
        : "The model router does not take provider API keys: pass a Portcullis virtual key (pc-vk-...) or an "
            + "access token from /api/auth/oauth2/token as Authorization: Bearer <key>; the key's provider "
            + "mapping decides which provider credential is used.").toException());
  }

  private static MappedCredentials mapped(Principal principal, String effectiveProxyId) {
    return new MappedCredentials(principal.id(), principal.kind(), owner(principal), effectiveProxyId, principal.credentials());
  }

  private static String owner(Principal principal) {
    return principal.kind() == Principal.Kind.VIRTUAL_KEY ? "virtual key" : "OAuth client";
  }

  private Future<Principal> oauthPrincipal(String clientId) {
    return answers.principals.get(OAUTH_CACHE_PREFIX + clientId, () -> authService.oauthClient(clientId));
  }

  /** Stops listening for auth events. */
  public Future<Void> close() {
    if (sharedAnswers) {
      answers.detach(vertx);
    }
    return events.unregister();
  }

  private Future<Principal> virtualKey(String key, String clientAddress) {
    return keys.keys().compose(known -> {
      if (!known.virtualKeyChecksumValid(key)) {
        // Made up, mistyped, or issued before keys carried a checksum: refused here, unlooked-up.
        return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION, "Invalid virtual key").toException());
      }
      return checkedVirtualKey(key, clientAddress);
    });
  }

  private Future<Principal> checkedVirtualKey(String key, String clientAddress) {
    // The caller that starts a lookup (or a background refresh) is the one the failed-lookup
    // limiter counts; callers of the same key meanwhile share its answer.
    String cacheKey = CredentialHash.sha256Hex(key);
    Future<Principal> principal = answers.principals.get(cacheKey,
        () -> authService.verifyVirtualKey(key, ClientAddresses.limiterKey(clientAddress)));
    return principal.compose(answer -> {
      if (answer.expiredAt(System.currentTimeMillis())) {
        // Of no more use: the next call asks auth-service, which says so itself.
        answers.principals.invalidate(cacheKey);
        return Future.failedFuture(GatewayError.of(ErrorKind.AUTHENTICATION, "Virtual key expired").toException());
      }
      return Future.succeededFuture(answer);
    });
  }

  private Future<Resolution> accessToken(String token, String provider, String proxyId) {
    return verifiedToken(token)
        .compose(claims -> oauthPrincipal(claims.clientId())
            .compose(principal -> authorize(principal, claims.proxyIds(), provider, proxyId, "access token")));
  }

  /** Checks the proxy and the provider mapping; {@code tokenProxies} are the proxies a token was issued for. */
  private Future<Resolution> authorize(Principal principal, List<String> tokenProxies, String provider,
      String proxyId, String what) {
    return authorizeProxy(principal, tokenProxies, proxyId, what).compose(effective -> {
      List<UpstreamCredential> keys = principal.keysFor(provider);
      if (keys.isEmpty()) {
        String owner = principal.kind() == Principal.Kind.VIRTUAL_KEY ? "virtual key" : "OAuth client";
        return Future.failedFuture(GatewayError.of(ErrorKind.PERMISSION,
            "This " + owner + " has no provider key for " + provider + ". Map one with the admin API.").toException());
      }
      return Future.succeededFuture(Resolution.resolved(keys, principal, effective));
    });
  }

  /** The effective proxy, when the principal (and the token, if any) may use it; 403 otherwise. */
  private Future<String> authorizeProxy(Principal principal, List<String> tokenProxies, String proxyId, String what) {
    return effectiveProxy(proxyId).compose(effective -> {
      if (!principal.mayUseProxy(effective) || (!tokenProxies.isEmpty() && !tokenProxies.contains(effective))) {
        return Future.failedFuture(GatewayError.of(ErrorKind.PERMISSION,
            "This " + what + " may not use LLM proxy " + effective + ".").toException());
      }
      return Future.succeededFuture(effective);
    });
  }

  /** The route's proxy when it exists (404 otherwise), or the default proxy. */
  private Future<String> effectiveProxy(String proxyId) {
    return proxyDirectory().compose(known -> {
      if (proxyId == null) {
        return Future.succeededFuture(known.defaultId());
      }
      if (!known.exists(proxyId)) {
        return Future.failedFuture(GatewayError.notFound("LLM proxy " + proxyId + " not found").toException());
      }
      return Future.succeededFuture(proxyId);
    });
  }

  /** What the audit log keeps of calls on {@code proxyId} ({@code null}: the default proxy). */
  public Future<String> auditLevel(String proxyId) {
    return proxyDirectory().map(directory -> directory.auditLevel(proxyId));
  }

  /**
   * The canonical JSON of {@code proxyId}'s security policies ({@code null}: the default proxy's),
   * or null when it has none.
   */
  public Future<String> policyDocument(String proxyId) {
    return proxyDirectory().map(directory -> directory.policies(proxyId != null ? proxyId : directory.defaultId()));
  }

  /**
   * The JSON of {@code proxyId}'s model-router fallbacks ({@code null}: the default proxy's), or
   * null when it has none.
   */
  public Future<String> fallbacks(String proxyId) {
    return proxyDirectory().map(directory -> directory.fallbacks(proxyId != null ? proxyId : directory.defaultId()));
  }

  private Future<LlmProxyDirectory> proxyDirectory() {
    return answers.directory.get(DIRECTORY_KEY, authService::proxies);
  }

  /** The token's claims, checked against auth-service's public keys (fetched again for a kid we do not know). */
  private Future<AccessTokens.Claims> verifiedToken(String token) {
    return keys.keysKnowing(AccessTokens.keyIdOf(token))
        .compose(known -> {
          try {
            return Future.succeededFuture(AccessTokens.verify(token, known, System.currentTimeMillis() / 1000));
          } catch (RuntimeException refused) {
            return Future.failedFuture(refused);
          }
        });
  }

  private void onAuthEvent(JsonObject event) {
    String kind = event == null ? null : event.getString("kind");
    if (AuthEvents.SIGNING_KEY.equals(kind)) {
      // A new signing key says nothing about who may use what: cached principals stay.
      keys.markStale();
      return;
    }
    // Each drop also forgets the lookups in flight for what it drops: an answer asked for before
    // the event must not be stored after it.
    if (AuthEvents.VIRTUAL_KEY.equals(kind) && event.getString("keyHash") != null) {
      answers.principals.invalidate(event.getString("keyHash"));
    } else if (AuthEvents.OAUTH_CLIENT.equals(kind) && event.getString("clientId") != null) {
      answers.principals.invalidate(OAUTH_CACHE_PREFIX + event.getString("clientId"));
    } else if (AuthEvents.LLM_PROXY.equals(kind)) {
      answers.directory.invalidateAll();
    } else {
      // A provider key (or something we do not know) changed: any cached principal may hold it.
      answers.principals.invalidateAll();
      answers.directory.invalidateAll();
    }
  }
}
