package dev.portcullis.auth.admin;

import java.util.function.BiConsumer;
import dev.portcullis.auth.SecretCipher;
import dev.portcullis.auth.store.AuthStore;
import dev.portcullis.auth.store.DuplicateException;
import dev.portcullis.auth.store.KeyMapping;
import dev.portcullis.auth.store.LlmProxy;
import dev.portcullis.auth.store.ProviderKey;
import dev.portcullis.auth.store.StillReferencedException;
import dev.portcullis.auth.store.UnknownReferenceException;
import dev.portcullis.auth.token.SigningKeys;
import dev.portcullis.common.Addresses;
import dev.portcullis.common.auth.AuthEvents;
import dev.portcullis.common.auth.CredentialHash;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.auth.VirtualKeyFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.http.ConnectionGuard;
import dev.portcullis.common.tls.CertificateReloader;
import dev.portcullis.common.tls.TlsFiles;
import dev.portcullis.console.ConsoleAccess;
import dev.portcullis.console.ConsoleRoutes;
import dev.portcullis.common.http.ErrorPage;
import dev.portcullis.common.http.PercentEscapes;
import dev.portcullis.common.http.ServerLimits;
import dev.portcullis.common.json.ClientJsonLimits;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.policy.document.PolicyDocument;
import dev.portcullis.policy.document.PolicyDocumentException;
import dev.portcullis.policy.document.PolicyDocumentParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API ({@code /api/admin/...}) for provider keys, LLM proxies (and their policy
 * documents and model-router fallbacks), virtual keys and OAuth clients. Every call needs
 * {@code Authorization: Bearer <admin token>}. Deletes and changes that affect what gateways
 * cached are published on {@code portcullis.auth.events}.
 */
public final class AdminApi {

  /** Detectors as the gateway builds them, so that evaluate says what a gateway does. */
  private static final PolicyEvaluation POLICY_EVALUATION =
      new PolicyEvaluation(dev.portcullis.policy.sensitive.Detectors.defaults());

  private static final Logger LOG = LoggerFactory.getLogger(AdminApi.class);
  private static final String BASE = "/api/admin";
  private static final int BODY_LIMIT = 1 << 20;
  /** The most provider keys one virtual key or OAuth client may map, over all providers. */
  public static final int MAX_MAPPINGS = 256;
  /** The most keys of one provider a virtual key or OAuth client may map. */
  public static final int MAX_KEYS_PER_PROVIDER = 32;
  /** Admin bodies are small JSON objects: read under the client-JSON bounds, duplicate keys refused. */
  private static final ObjectMapper JSON = new ObjectMapper(ClientJsonLimits.factory(BODY_LIMIT));

  private final Vertx vertx;
  private final AuthStore store;
  private final SecretCipher cipher;
  private final String adminTokenHash;
  private final long defaultExpirySeconds;
  private final byte[] virtualKeyChecksumKey;
  private final SigningKeys signingKeys;
  private BiConsumer<Router, String> extension = (router, base) -> { };
  /** The console, when the admin port serves it; {@code null} otherwise. */
  private ConsoleRoutes console;

  /**
   * @param defaultExpirySeconds  virtual keys created without {@code expiresAt} expire this long
   *                              after creation; 0 means they never expire
   * @param virtualKeyChecksumKey the key of the checksum every new virtual key carries
   * @param signingKeys           the access-token signing keys, rotated by {@code POST /signing-keys/rotate}
   */
  public AdminApi(Vertx vertx, AuthStore store, SecretCipher cipher, String adminToken, long defaultExpirySeconds,
      byte[] virtualKeyChecksumKey, SigningKeys signingKeys) {
    this.vertx = vertx;
    this.store = store;
    this.cipher = cipher;
    this.adminTokenHash = CredentialHash.sha256Hex(adminToken);
    this.defaultExpirySeconds = defaultExpirySeconds;
    this.virtualKeyChecksumKey = virtualKeyChecksumKey.clone();
    this.signingKeys = signingKeys;
  }

  /**
   * Other services' admin calls (the usage ledger's usage, price and audit calls), mounted under
   * the same base path behind the same admin-token check and body reading.
   */
  public AdminApi withExtension(BiConsumer<Router, String> extension) {
    this.extension = extension;
    return this;
  }

  /**
   * Serves the console on the same port: its pages, and its signed-in sessions as a way to make
   * admin calls besides the admin token.
   */
  public AdminApi withConsole(ConsoleRoutes console) {
    this.console = console;
    return this;
  }

  /**
   * Starts the admin API's server on {@code host:port}, held to {@code limits} (header timeout,
   * keep-alive timeout, header limits) like every Portcullis server.
   */
  public Future<HttpServer> listen(String host, int port, ServerLimits limits, TlsFiles tls) {
    HttpServerOptions options = limits.applyTo(new HttpServerOptions().setHost(host).setPort(port),
        limits.keepAliveTimeoutMs());
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(tls.atStart().keyCertOptions());
    }
    HttpServer server = vertx.createHttpServer(options);
    ConnectionGuard.install(server, limits, (uri, status, message) -> new ErrorPage.Page("application/json",
        errorBody(message, null).getBytes(StandardCharsets.UTF_8), Map.of()), "admin");
    Router router = router();
    return server.requestHandler(request -> {
      if (request.path() == null || !request.path().startsWith("/")) {
        // "GET *", "GET ?x": vertx-web would answer these in plain text.
        request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .end(errorBody("The request target must be a path starting with '/'", null));
        return;
      }
      if (!PercentEscapes.wellFormed(request.uri())) {
        request.response().setStatusCode(400).putHeader("Content-Type", "application/json")
            .putHeader("Connection", "close")
            .end(errorBody("The request path or query has a malformed percent escape", null));
        return;
      }
      router.handle(request);
    }).listen().onSuccess(listening -> {
      if (tls != null) {
        CertificateReloader.startOnce(vertx, listening, tls, options.getSslOptions());
      }
    });
  }

  public Router router() {
    Router router = Router.router(vertx);
    if (console != null) {
      // Before the admin calls' own check: the docs page sends a browser that is not signed in to
      // the sign-in form, and signing in is how a session begins.
      router.route(ConsoleRoutes.SESSION_PATH).handler(ctx -> readBody(ctx, ConsoleRoutes.SESSION_BODY_LIMIT))
          .failureHandler(AdminApi::failed);
      console.mount(router, this::isAdminToken, ctx -> ctx.get(BODY));
    }
    // The token is checked before a byte of the body is read: an unauthenticated caller gets a 401
    // for the price of its headers. The body is then read as bytes within the limit, never as a
    // form or an upload (vertx-web's body handler would decode forms and multipart, whatever the
    // content type claims): nothing a request sends is written to disk.
    router.route(BASE + "/*").handler(this::requireAdminToken).handler(ctx -> readBody(ctx, BODY_LIMIT))
        .failureHandler(AdminApi::failed);
    OpenApiDocument.mount(router, BASE);
    router.post(BASE + "/provider-keys").handler(ctx -> respond(ctx, 201, () -> createProviderKey(fields(ctx))));
    router.post(BASE + "/llm-proxies").handler(ctx -> respond(ctx, 201, () -> createLlmProxy(fields(ctx))));
    router.post(BASE + "/virtual-keys").handler(ctx -> respond(ctx, 201, () -> createVirtualKey(fields(ctx))));
    router.post(BASE + "/oauth-clients").handler(ctx -> respond(ctx, 201, () -> createOAuthClient(fields(ctx))));
    router.get(BASE + "/provider-keys").handler(ctx -> respond(ctx, 200,
        () -> store.listProviderKeys().map(list(AdminViews::providerKeyListed))));
    router.get(BASE + "/llm-proxies").handler(ctx -> respond(ctx, 200,
        () -> store.listLlmProxies().map(list(AdminViews::llmProxy))));
    router.get(BASE + "/virtual-keys").handler(ctx -> respond(ctx, 200,
        () -> store.listVirtualKeys().map(list(AdminViews::virtualKeyListed))));
    router.get(BASE + "/oauth-clients").handler(ctx -> respond(ctx, 200,
        () -> store.listOAuthClients().map(list(AdminViews::oauthClientListed))));
    router.get(BASE + "/signing-keys").handler(ctx -> respond(ctx, 200,
        () -> signingKeys.list().map(list(AdminViews::signingKey))));
    router.post(BASE + "/signing-keys/rotate").handler(ctx -> respond(ctx, 201,
        () -> signingKeys.rotate().map(kid -> new JsonObject().put("kid", kid))));
    router.delete(BASE + "/provider-keys/:id").handler(ctx -> respondEmpty(ctx, () -> deleteProviderKey(ctx.pathParam("id"))));
    router.patch(BASE + "/llm-proxies/:id").handler(ctx -> respond(ctx, 200,
        () -> updateLlmProxy(ctx.pathParam("id"), fields(ctx))));
    router.delete(BASE + "/llm-proxies/:id").handler(ctx -> respondEmpty(ctx, () -> deleteLlmProxy(ctx.pathParam("id"))));
    router.get(BASE + "/llm-proxies/:id/policies").handler(ctx -> respond(ctx, 200,
        () -> policies(ctx.pathParam("id"))));
    router.put(BASE + "/llm-proxies/:id/policies").handler(ctx -> respond(ctx, 200,
        () -> setPolicies(ctx.pathParam("id"), jsonBody(ctx))));
    router.get(BASE + "/llm-proxies/:id/fallbacks").handler(ctx -> respond(ctx, 200,
        () -> fallbacks(ctx.pathParam("id"))));
    router.put(BASE + "/llm-proxies/:id/fallbacks").handler(ctx -> respond(ctx, 200,
        () -> setFallbacks(ctx.pathParam("id"), fallbacksBody(ctx))));
    router.delete(BASE + "/llm-proxies/:id/fallbacks").handler(ctx -> respondEmpty(ctx,
        () -> removeFallbacks(ctx.pathParam("id"))));
    router.post(BASE + "/llm-proxies/:id/policies/evaluate").handler(ctx -> respond(ctx, 200,
        () -> evaluatePolicies(ctx.pathParam("id"), jsonBody(ctx))));
    router.delete(BASE + "/virtual-keys/:id").handler(ctx -> respondEmpty(ctx, () -> deleteVirtualKey(ctx.pathParam("id"))));
    router.delete(BASE + "/oauth-clients/:id").handler(ctx -> respondEmpty(ctx, () -> deleteOAuthClient(ctx.pathParam("id"))));
    extension.accept(router, BASE);
    router.route().last().handler(ctx -> fail(ctx, new AdminRequestException(404, "No such admin call: "
        + ctx.request().method() + " " + ctx.request().path(), null)));
    // Whatever vertx-web itself refuses (a bad Host header, say) is answered in JSON too.
    router.route().failureHandler(ctx -> {
      if (ctx.response().headWritten()) {
        ctx.response().reset();
        return;
      }
      int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
      if (status >= 500) {
        LOG.error("admin request failed", ctx.failure());
      }
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(errorBody(status >= 500 ? "The admin API failed to handle the request"
              : "The request could not be handled (status " + status + ")", null));
    });
    return router;
  }

  // ---- provider keys ----

  private Future<JsonObject> createProviderKey(RequestFields fields) {
    String provider = fields.requiredString("provider");
    if (!Providers.known(provider)) {
      throw AdminRequestException.badField("provider", "Unknown provider '" + provider + "'; expected one of "
          + String.join(", ", Providers.names()));
    }
    String name = fields.name();
    String apiKey = fields.optionalSecret("apiKey");
    String baseUrl = fields.optionalUrl("baseUrl");
    String inferenceUrl = fields.optionalUrl("inferenceUrl");
    Map<String, String> extraHeaders = fields.optionalHeaders("extraHeaders");
    String sealedHeaders = extraHeaders.isEmpty() ? null
        : cipher.encrypt(new JsonObject(new HashMap<>(extraHeaders)).encode());
    return store.createProviderKey(provider, name, cipher.encrypt(apiKey), baseUrl, inferenceUrl, sealedHeaders)
        .map(AdminViews::providerKey);
  }

  private Future<Void> deleteProviderKey(String id) {
    return store.deleteProviderKey(id).compose(existed -> deleted(existed, "provider key", id,
        AuthEvents.event(AuthEvents.REVOKED, AuthEvents.PROVIDER_KEY, id)));
  }

  // ---- LLM proxies ----

  private Future<JsonObject> createLlmProxy(RequestFields fields) {
    String name = fields.name();
    String auditBodies = auditBodies(fields, false);
    String fallbacks = FallbacksDocument.canonical(fields.value(FallbacksDocument.FIELD));
    return store.createLlmProxy(name, auditBodies == null ? "none" : auditBodies, fallbacks).map(proxy -> {
      publish(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, proxy.id()));
      return AdminViews.llmProxy(proxy);
    });
  }

  /**
   * Changes what the audit log keeps of a proxy's calls, its model-router fallbacks, or both:
   * {@code {"auditBodies": "full"}}, {@code {"fallbacks": {...}}} ({@code null} or {@code {}}
   * removes them). Everything is checked before anything is stored.
   */
  private Future<JsonObject> updateLlmProxy(String id, RequestFields fields) {
    boolean changeFallbacks = fields.has(FallbacksDocument.FIELD);
    // Without fallbacks, auditBodies is what a PATCH changes: its absence is the refusal.
    String auditBodies = auditBodies(fields, !changeFallbacks);
    String fallbacks = changeFallbacks ? FallbacksDocument.canonical(fields.value(FallbacksDocument.FIELD)) : null;
    return store.updateLlmProxy(id, auditBodies, changeFallbacks, fallbacks).compose(updated -> {
      if (updated.isEmpty()) {
        return Future.failedFuture(AdminRequestException.notFound("No LLM proxy with id " + id));
      }
      publish(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, id));
      return Future.succeededFuture(AdminViews.llmProxy(updated.get()));
    });
  }

  private static String auditBodies(RequestFields fields, boolean required) {
    String level = required ? fields.requiredString("auditBodies") : fields.optionalString("auditBodies");
    if (level != null && !LlmProxy.AUDIT_LEVELS.contains(level)) {
      throw AdminRequestException.badField("auditBodies", "auditBodies must be one of " + LlmProxy.AUDIT_LEVELS);
    }
    return level;
  }

  /** A proxy's policy document in its canonical form; the empty document when it has none. */
  private Future<JsonObject> policies(String id) {
    return store.findLlmProxy(id).compose(proxy -> proxy.isEmpty()
        ? Future.failedFuture(AdminRequestException.notFound("No LLM proxy with id " + id))
        // Stored canonical: answered as stored, not read again (a later version may read it differently).
        : Future.succeededFuture(proxy.get().policies() == null ? PolicyDocument.EMPTY.toJson()
            : new JsonObject(proxy.get().policies())));
  }

  /**
   * Replaces a proxy's policy document: validated (400 naming the field), stored canonical (the
   * empty document as none), published so every gateway takes it within a second.
   */
  private Future<JsonObject> setPolicies(String id, JsonObject body) {
    PolicyDocument document;
    try {
      document = PolicyDocumentParser.parse(body);
    } catch (PolicyDocumentException refused) {
      throw AdminRequestException.badField(refused.field(), refused.getMessage());
    }
    return store.setPolicies(id, document.isEmpty() ? null : document.toJsonText()).compose(updated -> {
      if (updated.isEmpty()) {
        return Future.failedFuture(AdminRequestException.notFound("No LLM proxy with id " + id));
      }
      LOG.info("Policies of LLM proxy {} ({}) replaced: {} tool rules, {} trust rules, {} sensitive-data rules",
          id, updated.get().name(), document.toolInvocation().size(), document.trustedData().rules().size(),
          document.sensitiveData().size());
      publish(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, id));
      return Future.succeededFuture(document.toJson());
    });
  }

  /** A proxy's model-router fallbacks in their canonical form; {@code {}} when it has none. */
  private Future<JsonObject> fallbacks(String id) {
    return store.findLlmProxy(id).compose(proxy -> proxy.isEmpty()
        ? Future.failedFuture(AdminRequestException.notFound("No LLM proxy with id " + id))
        : Future.succeededFuture(FallbacksDocument.view(proxy.get().fallbacks())));
  }

  /**
   * Replaces a proxy's model-router fallbacks: validated (400 naming the field), stored canonical
   * ({@code {}} as none), published so every gateway takes them within a second.
   */
  private Future<JsonObject> setFallbacks(String id, Object body) {
    String fallbacks = FallbacksDocument.canonical(body);
    return store.setFallbacks(id, fallbacks).compose(updated -> {
      if (updated.isEmpty()) {
        return Future.failedFuture(AdminRequestException.notFound("No LLM proxy with id " + id));
      }
      LOG.info("Model-router fallbacks of LLM proxy {} ({}) replaced: {} models", id, updated.get().name(),
          FallbacksDocument.view(fallbacks).size());
      publish(AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, id));
      return Future.succeededFuture(FallbacksDocument.view(fallbacks));
    });
  }

  private Future<Void> removeFallbacks(String id) {
    return store.setFallbacks(id, null).compose(updated -> deleted(updated.isPresent(), "LLM proxy", id,
        AuthEvents.event(AuthEvents.CHANGED, AuthEvents.LLM_PROXY, id)));
  }

  /** What the proxy's policies (or a draft sent along) would do to a pasted request or answer. */
  private Future<JsonObject> evaluatePolicies(String id, JsonObject body) {
    return store.findLlmProxy(id).map(proxy -> {
      if (proxy.isEmpty()) {
        throw AdminRequestException.notFound("No LLM proxy with id " + id);
      }
      return POLICY_EVALUATION.evaluate(proxy.get().policies(), body);
    });
  }

  private Future<Void> deleteLlmProxy(String id) {
    return store.listLlmProxies().compose(proxies -> {
      if (proxies.stream().anyMatch(proxy -> proxy.id().equals(id) && proxy.isDefault())) {
        return Future.failedFuture(new AdminRequestException(409, "The default LLM proxy cannot be deleted", null));
      }
      return store.deleteLlmProxy(id).compose(existed -> deleted(existed, "LLM proxy", id,
          AuthEvents.event(AuthEvents.REVOKED, AuthEvents.LLM_PROXY, id)));
    });
  }

  // ---- virtual keys ----

  private Future<JsonObject> createVirtualKey(RequestFields fields) {
    String name = fields.name();
    RequestFields.RequestedKeys providerKeys = fields.providerKeys();
    List<String> llmProxyIds = fields.ids("llmProxyIds", false);
    long now = System.currentTimeMillis();
    Long expiresAt = fields.has("expiresAt") ? fields.futureInstant("expiresAt", now)
        : defaultExpirySeconds > 0 ? now + defaultExpirySeconds * 1000 : null;
    String key = VirtualKeyFormat.mint(virtualKeyChecksumKey);
    return mappings(providerKeys)
        .compose(mapping -> checkProxies(llmProxyIds, "llmProxyIds").map(mapping))
        .compose(mapping -> store.createVirtualKey(name, CredentialHash.sha256Hex(key), mapping, llmProxyIds, expiresAt))
        .map(created -> AdminViews.virtualKeyCreated(created, key));
  }

  private Future<Void> deleteVirtualKey(String id) {
    return store.deleteVirtualKey(id).compose(deleted -> deleted(deleted.isPresent(), "virtual key", id,
        deleted.map(key -> AuthEvents.revokedVirtualKey(key.id(), key.keyHash())).orElse(null)));
  }

  // ---- OAuth clients ----

  private Future<JsonObject> createOAuthClient(RequestFields fields) {
    String name = fields.name();
    RequestFields.RequestedKeys providerKeys = fields.providerKeys();
    List<String> allowedLlmProxyIds = fields.ids("allowedLlmProxyIds", true);
    String clientId = "pc-oc-" + RandomTokens.base62(24);
    String secret = "pc-cs-" + RandomTokens.base62(48);
    return mappings(providerKeys)
        .compose(mapping -> checkProxies(allowedLlmProxyIds, "allowedLlmProxyIds").map(mapping))
        .compose(mapping -> store.createOAuthClient(name, clientId, CredentialHash.sha256Hex(secret), mapping,
            allowedLlmProxyIds))
        .map(created -> AdminViews.oauthClientCreated(created, secret));
  }

  private Future<Void> deleteOAuthClient(String id) {
    return store.deleteOAuthClient(id).compose(deleted -> deleted(deleted.isPresent(), "OAuth client", id,
        deleted.map(client -> AuthEvents.revokedOAuthClient(client.id(), client.clientId())).orElse(null)));
  }

  // ---- shared ----

  /**
   * The requested provider keys as mappings, each with its key's provider, in the request's order.
   * An unknown id is a 400 naming where the request gave it; more than
   * {@value #MAX_KEYS_PER_PROVIDER} keys of one provider a 400 naming the field.
   */
  private Future<List<KeyMapping>> mappings(RequestFields.RequestedKeys requested) {
    List<String> ids = requested.keys().stream().map(RequestFields.RequestedKey::id).toList();
    return store.providerKeysById(ids).map(keys -> {
      List<RequestFields.RequestedKey> unknown = requested.keys().stream()
          .filter(key -> !keys.containsKey(key.id())).toList();
      if (!unknown.isEmpty()) {
        String listed = unknown.stream().limit(5).map(key -> RequestFields.excerpt(key.id()))
            .collect(Collectors.joining(", "));
        throw AdminRequestException.badField(unknown.get(0).field(), "Unknown provider key id(s): " + listed
            + (unknown.size() > 5 ? " and " + (unknown.size() - 5) + " more" : ""));
      }
      Map<String, Long> perProvider = keys.values().stream()
          .collect(Collectors.groupingBy(ProviderKey::provider, TreeMap::new, Collectors.counting()));
      perProvider.forEach((provider, count) -> {
        if (count > MAX_KEYS_PER_PROVIDER) {
          throw AdminRequestException.badField(requested.field(), requested.field() + " maps " + count + " "
              + provider + " keys; at most " + MAX_KEYS_PER_PROVIDER + " keys of one provider may be mapped");
        }
      });
      return requested.keys().stream()
          .map(key -> new KeyMapping(keys.get(key.id()).provider(), key.id(), key.weight())).toList();
    });
  }

  private Future<Void> checkProxies(List<String> proxyIds, String field) {
    if (proxyIds.isEmpty()) {
      return Future.succeededFuture();
    }
    return store.listLlmProxies().map(proxies -> {
      Set<String> existing = proxies.stream().map(LlmProxy::id).collect(Collectors.toSet());
      List<String> unknown = proxyIds.stream().filter(id -> !existing.contains(id)).toList();
      if (!unknown.isEmpty()) {
        throw AdminRequestException.badField(field, "Unknown LLM proxy id(s): " + String.join(", ", unknown));
      }
      return null;
    });
  }

  private Future<Void> deleted(boolean existed, String what, String id, JsonObject event) {
    if (!existed) {
      return Future.failedFuture(AdminRequestException.notFound("No " + what + " with id " + id));
    }
    publish(event);
    return Future.succeededFuture();
  }

  private void publish(JsonObject event) {
    vertx.eventBus().publish(Addresses.AUTH_EVENTS, event);
  }

  private boolean isAdminToken(String presented) {
    return presented != null && CredentialHash.sameHash(CredentialHash.sha256Hex(presented), adminTokenHash);
  }

  /**
   * An admin call is made with the admin token as a bearer token, or, with no Authorization
   * header at all, from a signed-in console page (whose changes must also carry the session's CSRF
   * token: {@link ConsoleAccess}). A wrong bearer token is refused even with a live session.
   */
  private void requireAdminToken(RoutingContext ctx) {
    // Answers carry one-time secrets (a new virtual key): never kept by a browser or a cache.
    ctx.response().putHeader("Cache-Control", "no-store").putHeader("X-Content-Type-Options", "nosniff");
    String header = ctx.request().getHeader("Authorization");
    if (header == null && console != null) {
      ConsoleAccess.Verdict verdict = console.access().check(ctx.request());
      if (verdict == ConsoleAccess.Verdict.ALLOWED) {
        ctx.next();
        return;
      }
      if (verdict == ConsoleAccess.Verdict.FORGERY_SUSPECTED) {
        LOG.info("admin call from a console session refused: no CSRF token or another origin");
        refuseUnread(ctx, 403, "A change made from the console needs its session's " + ConsoleAccess.CSRF_HEADER
            + " header and must come from the console's own page");
        return;
      }
    }
    String presented = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : null;
    if (!isAdminToken(presented)) {
      ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"portcullis-admin\"");
      refuseUnread(ctx, 401, "The admin API needs Authorization: Bearer <PORTCULLIS_ADMIN_TOKEN>");
      return;
    }
    ctx.next();
  }

  /** Refuses before the body was read: close rather than drain whatever the caller keeps sending. */
  private void refuseUnread(RoutingContext ctx, int status, String message) {
    boolean bodyUnread = !ctx.request().isEnded();
    if (bodyUnread) {
      ctx.response().putHeader("Connection", "close");
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
        .end(errorBody(message, null))
        // The body is never read: close once the caller stops or after a short linger (closing
        // while bytes arrive would reset the connection).
        .onComplete(written -> {
          if (bodyUnread) {
            closeAfterBody(ctx);
          }
        });
  }

  /** Where the request's body is, read within the limit, for this API's calls and its extensions'. */
  public static final String BODY = "portcullis.admin.body";

  private void readBody(RoutingContext ctx, int limit) {
    HttpServerRequest request = ctx.request();
    String length = request.getHeader("Content-Length");
    if (length != null && length.trim().matches("\\d{1,18}") && Long.parseLong(length.trim()) > limit) {
      refuseBody(ctx, 413, "The body is larger than " + limit + " bytes");
      return;
    }
    String expect = request.getHeader("Expect");
    if (expect != null) {
      if (!expect.trim().equalsIgnoreCase("100-continue")) {
        refuseBody(ctx, 417, "Only Expect: 100-continue is supported");
        return;
      }
      request.response().writeContinue();
    }
    Buffer body = Buffer.buffer();
    boolean[] done = {false};
    request.handler(chunk -> {
      if (done[0]) {
        return;
      }
      if (body.length() + chunk.length() > limit) {
        done[0] = true;
        refuseBody(ctx, 413, "The body is larger than " + limit + " bytes");
        return;
      }
      body.appendBuffer(chunk);
    });
    request.endHandler(v -> {
      if (!done[0]) {
        done[0] = true;
        ctx.put(BODY, body);
        ctx.next();
      }
    });
    request.exceptionHandler(err -> {
      done[0] = true;
      LOG.debug("Admin request broke off: {}", err.getClass().getSimpleName());
    });
    request.resume();
  }

  private void refuseBody(RoutingContext ctx, int status, String message) {
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").putHeader("Connection", "close")
        .end(errorBody(message, null)).onComplete(written -> closeAfterBody(ctx));
  }

  /** A failure vertx-web caught: a client's mistake below 500 (logged at DEBUG), ours from 500. */
  private static void failed(RoutingContext ctx) {
    int status = ctx.statusCode() > 0 ? ctx.statusCode() : 500;
    if (ctx.response().ended()) {
      return;
    }
    if (status < 500) {
      LOG.debug("Admin request refused with {}", status);
      ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(errorBody("The request could not be handled (status " + status + ")", null));
      return;
    }
    fail(ctx, ctx.failure() == null ? new IllegalStateException("status " + status) : ctx.failure());
  }

  private void closeAfterBody(RoutingContext ctx) {
    if (ctx.request().isEnded()) {
      ctx.request().connection().close();
      return;
    }
    long linger = vertx.setTimer(1_000, t -> ctx.request().connection().close());
    ctx.request().handler(ignored -> { }).endHandler(v -> {
      vertx.cancelTimer(linger);
      ctx.request().connection().close();
    }).resume();
  }

  private static RequestFields fields(RoutingContext ctx) {
    return new RequestFields(jsonBody(ctx));
  }

  /** The body of {@code PUT .../fallbacks}, the fallbacks themselves: a refusal names {@code fallbacks}. */
  private static JsonObject fallbacksBody(RoutingContext ctx) {
    try {
      return jsonBody(ctx);
    } catch (AdminRequestException refused) {
      throw AdminRequestException.badField(FallbacksDocument.FIELD, refused.getMessage());
    }
  }

  /** The body as a JSON object: read under the client-JSON bounds, duplicate keys refused. */
  @SuppressWarnings("unchecked")
  private static JsonObject jsonBody(RoutingContext ctx) {
    Buffer body = ctx.get(BODY);
    if (body == null || body.length() == 0) {
      throw AdminRequestException.badField(null, "The body must be a JSON object");
    }
    Object parsed;
    try {
      parsed = JSON.readValue(body.getBytes(), Object.class);
    } catch (JsonProcessingException e) {
      throw AdminRequestException.badField(null, "The body must be a JSON object: " + e.getOriginalMessage());
    } catch (IOException | RuntimeException notJson) {
      throw AdminRequestException.badField(null, "The body must be a JSON object");
    }
    if (!(parsed instanceof Map<?, ?> object)) {
      throw AdminRequestException.badField(null, "The body must be a JSON object");
    }
    return new JsonObject((Map<String, Object>) object);
  }

  private static <T> Function<List<T>, JsonObject> list(Function<T, JsonObject> view) {
    return items -> new JsonObject().put("data", new JsonArray(new ArrayList<>(items.stream().map(view).toList())));
  }

  /** Runs the call, turning a refusal thrown while reading the request into an answer like any other. */
  private static <T> Future<T> attempt(Supplier<Future<T>> call) {
    try {
      return call.get();
    } catch (RuntimeException refused) {
      return Future.failedFuture(refused);
    }
  }

  private static void respond(RoutingContext ctx, int status, Supplier<Future<JsonObject>> call) {
    attempt(call).onSuccess(json -> ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store").end(json.encode()))
        .onFailure(failure -> fail(ctx, failure));
  }

  private static void respondEmpty(RoutingContext ctx, Supplier<Future<Void>> call) {
    attempt(call).onSuccess(ignored -> ctx.response().setStatusCode(204).end()).onFailure(failure -> fail(ctx, failure));
  }

  private static void fail(RoutingContext ctx, Throwable failure) {
    int status;
    String field = null;
    String message = failure.getMessage();
    if (failure instanceof AdminRequestException refused) {
      status = refused.status();
      field = refused.field();
    } else if (failure instanceof DuplicateException duplicate) {
      status = 409;
      field = duplicate.field();
    } else if (failure instanceof StillReferencedException) {
      status = 409;
    } else if (failure instanceof UnknownReferenceException unknown) {
      status = 400;
      field = unknown.field();
    } else {
      // Store messages may quote SQL and values: log the type only for the client, the detail for us.
      LOG.error("Admin call {} {} failed", ctx.request().method(), ctx.request().path(), failure);
      status = 500;
      message = "Internal error; see the auth-service log";
    }
    ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(errorBody(message, field));
  }

  private static String errorBody(String message, String field) {
    return new JsonObject().put("error", new JsonObject().put("message", message).put("field", field)).encode();
  }
}
