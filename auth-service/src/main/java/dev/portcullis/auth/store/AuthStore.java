package dev.portcullis.auth.store;

import dev.portcullis.database.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The repository of auth-service: provider keys, LLM proxies, virtual keys and OAuth clients, over
 * one {@link Database} (H2 or PostgreSQL, the same SQL). It stores what it is given: secrets
 * arrive already hashed or encrypted. Columns are read by position, since the two databases
 * spell column labels differently.
 */
public final class AuthStore {

  public static final String DEFAULT_PROXY_NAME = "default";

  private static final String PROXY_COLUMNS = "id, name, is_default, created_at, audit_bodies, policies, fallbacks";
  private static final String PROVIDER_KEY_COLUMNS =
      "id, provider, name, api_key_encrypted, base_url, inference_url, extra_headers_encrypted, created_at";

  private final Database db;

  public AuthStore(Database db) {
    this.db = db;
  }

  public Future<Integer> migrate() {
    return Migrations.migrate(db);
  }

  public Future<Void> close() {
    return db.close();
  }

  // ---- LLM proxies ----

  /** The default LLM proxy, created on first start. Concurrent starters agree through the unique name. */
  public Future<LlmProxy> ensureDefaultProxy() {
    return defaultProxy().compose(existing -> existing.isPresent()
        ? Future.succeededFuture(existing.get())
        : insertProxy(DEFAULT_PROXY_NAME, true, "none", null)
            .recover(failure -> Database.uniqueViolation(failure)
                ? defaultProxy().map(Optional::orElseThrow) : Future.failedFuture(failure)));
  }

  private Future<Optional<LlmProxy>> defaultProxy() {
    return db.query("SELECT " + PROXY_COLUMNS + " FROM llm_proxies WHERE is_default = ?", Tuple.of(true))
        .map(rows -> first(rows).map(AuthStore::proxy));
  }

  public Future<LlmProxy> createLlmProxy(String name) {
    return createLlmProxy(name, "none");
  }

  public Future<LlmProxy> createLlmProxy(String name, String auditBodies) {
    return createLlmProxy(name, auditBodies, null);
  }

  /** @param fallbacks its model-router fallbacks, canonical JSON, already validated; null for none */
  public Future<LlmProxy> createLlmProxy(String name, String auditBodies, String fallbacks) {
    return insertProxy(name, false, auditBodies, fallbacks).recover(failure -> Future.failedFuture(Database.uniqueViolation(failure)
        ? new DuplicateException("An LLM proxy named '" + name + "' already exists", "name") : failure));
  }

  private Future<LlmProxy> insertProxy(String name, boolean isDefault, String auditBodies, String fallbacks) {
    LlmProxy proxy = new LlmProxy(UUID.randomUUID().toString(), name, isDefault, System.currentTimeMillis(),
        auditBodies, null, fallbacks);
    return db.query("INSERT INTO llm_proxies (id, name, is_default, created_at, audit_bodies, fallbacks) "
            + "VALUES (?, ?, ?, ?, ?, ?)",
        Tuple.of(proxy.id(), proxy.name(), proxy.isDefault(), proxy.createdAt(), auditBodies, fallbacks)).map(proxy);
  }

  /** Sets what the audit log keeps of a proxy's calls; empty when there is no such proxy. */
  public Future<Optional<LlmProxy>> setAuditBodies(String id, String auditBodies) {
    return db.query("UPDATE llm_proxies SET audit_bodies = ? WHERE id = ?", Tuple.of(auditBodies, id))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(Optional.<LlmProxy>empty()) : findLlmProxy(id));
  }

  /**
   * Sets a proxy's policy document (canonical JSON, already validated; null removes it); empty
   * when there is no such proxy.
   */
  public Future<Optional<LlmProxy>> setPolicies(String id, String policies) {
    return db.query("UPDATE llm_proxies SET policies = ? WHERE id = ?", Tuple.of(policies, id))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(Optional.<LlmProxy>empty()) : findLlmProxy(id));
  }

  /**
   * Sets a proxy's model-router fallbacks (canonical JSON, already validated; null removes them);
   * empty when there is no such proxy.
   */
  public Future<Optional<LlmProxy>> setFallbacks(String id, String fallbacks) {
    return db.query("UPDATE llm_proxies SET fallbacks = ? WHERE id = ?", Tuple.of(fallbacks, id))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(Optional.<LlmProxy>empty()) : findLlmProxy(id));
  }

  /**
   * Changes a proxy's audit level and fallbacks in one statement: {@code auditBodies} unless it is
   * null, {@code fallbacks} (null removes them) when {@code changeFallbacks}; empty when there is
   * no such proxy.
   */
  public Future<Optional<LlmProxy>> updateLlmProxy(String id, String auditBodies, boolean changeFallbacks,
      String fallbacks) {
    if (auditBodies == null) {
      return changeFallbacks ? setFallbacks(id, fallbacks) : findLlmProxy(id);
    }
    if (!changeFallbacks) {
      return setAuditBodies(id, auditBodies);
    }
    return db.query("UPDATE llm_proxies SET audit_bodies = ?, fallbacks = ? WHERE id = ?",
            Tuple.of(auditBodies, fallbacks, id))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(Optional.<LlmProxy>empty()) : findLlmProxy(id));
  }

  public Future<Optional<LlmProxy>> findLlmProxy(String id) {
    return db.query("SELECT " + PROXY_COLUMNS + " FROM llm_proxies WHERE id = ?", Tuple.of(id))
        .map(rows -> first(rows).map(AuthStore::proxy));
  }

  /**
   * Whether a virtual key, OAuth client or LLM proxy with this id exists.
   *
   * @param table {@code virtual_keys}, {@code oauth_clients} or {@code llm_proxies}
   */
  public Future<Boolean> exists(String table, String id) {
    if (!java.util.Set.of("virtual_keys", "oauth_clients", "llm_proxies").contains(table)) {
      return Future.failedFuture(new IllegalArgumentException("not a table of named things: " + table));
    }
    return db.query("SELECT id FROM " + table + " WHERE id = ?", Tuple.of(id)).map(rows -> rows.size() > 0);
  }

  public Future<List<LlmProxy>> listLlmProxies() {
    return db.query("SELECT " + PROXY_COLUMNS + " FROM llm_proxies ORDER BY created_at, id", Tuple.tuple())
        .map(rows -> all(rows).stream().map(AuthStore::proxy).toList());
  }

  /** Whether it existed. Fails with {@link StillReferencedException} while a key or client is limited to it. */
  public Future<Boolean> deleteLlmProxy(String id) {
    return db.query("DELETE FROM llm_proxies WHERE id = ?", Tuple.of(id))
        .map(rows -> rows.rowCount() > 0)
        .recover(failure -> Future.failedFuture(Database.foreignKeyViolation(failure)
            ? new StillReferencedException("This LLM proxy is still listed by a virtual key or OAuth client; "
                + "delete those first") : failure));
  }

  private static LlmProxy proxy(Row row) {
    return new LlmProxy(row.getString(0), row.getString(1), row.getBoolean(2), row.getLong(3), row.getString(4),
        row.getString(5), row.getString(6));
  }

  // ---- access-token signing keys ----

  /** Every stored signing key, newest first (creation time, then kid, so all instances agree). */
  public Future<List<SigningKeyRow>> listSigningKeys() {
    return db.query("SELECT kid, private_jwk_encrypted, created_at, retired_at FROM token_signing_keys "
            + "ORDER BY created_at DESC, kid DESC", Tuple.tuple())
        .map(rows -> all(rows).stream().map(row -> new SigningKeyRow(row.getString(0), row.getString(1),
            row.getLong(2), row.getLong(3))).toList());
  }

  /**
   * Adds a new signing key; when {@code retireOthers}, every other unretired key is retired at its
   * creation time (a rotation), and keys retired before {@code forgetRetiredBefore} are deleted.
   */
  public Future<Void> addSigningKey(SigningKeyRow key, boolean retireOthers, long forgetRetiredBefore) {
    return db.inTransaction(conn -> db.query(conn,
            "INSERT INTO token_signing_keys (kid, private_jwk_encrypted, created_at) VALUES (?, ?, ?)",
            Tuple.of(key.kid(), key.encryptedPrivateJwk(), key.createdAt()))
        .compose(inserted -> retireOthers
            ? db.query(conn, "UPDATE token_signing_keys SET retired_at = ? WHERE retired_at IS NULL AND kid <> ?",
                Tuple.of(key.createdAt(), key.kid()))
            : Future.succeededFuture())
        .compose(retired -> db.query(conn, "DELETE FROM token_signing_keys WHERE retired_at < ?",
            Tuple.of(forgetRetiredBefore)))
        .mapEmpty());
  }

  // ---- provider keys ----

  public Future<ProviderKey> createProviderKey(String provider, String name, String encryptedApiKey, String baseUrl,
      String inferenceUrl, String encryptedExtraHeaders) {
    ProviderKey key = new ProviderKey(UUID.randomUUID().toString(), provider, name, encryptedApiKey, baseUrl,
        inferenceUrl, encryptedExtraHeaders, System.currentTimeMillis());
    return db.query("INSERT INTO provider_keys (" + PROVIDER_KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            Tuple.from(new Object[] {key.id(), key.provider(), key.name(), key.encryptedApiKey(), key.baseUrl(),
                key.inferenceUrl(), key.encryptedExtraHeaders(), key.createdAt()}))
        .map(key)
        .recover(failure -> Future.failedFuture(Database.uniqueViolation(failure)
            ? new DuplicateException("A " + provider + " provider key named '" + name + "' already exists", "name")
            : failure));
  }

  public Future<List<ProviderKey>> listProviderKeys() {
    return db.query("SELECT " + PROVIDER_KEY_COLUMNS + " FROM provider_keys ORDER BY created_at, id", Tuple.tuple())
        .map(rows -> all(rows).stream().map(AuthStore::providerKey).toList());
  }

  /** The provider keys among {@code ids} that exist, by id. */
  public Future<Map<String, ProviderKey>> providerKeysById(Collection<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    String placeholders = ids.stream().map(id -> "?").collect(Collectors.joining(", "));
    return db.query("SELECT " + PROVIDER_KEY_COLUMNS + " FROM provider_keys WHERE id IN (" + placeholders + ")",
            Tuple.from(new ArrayList<>(ids)))
        .map(rows -> all(rows).stream().map(AuthStore::providerKey)
            .collect(Collectors.toMap(ProviderKey::id, key -> key)));
  }

  public Future<Boolean> deleteProviderKey(String id) {
    return db.query("DELETE FROM provider_keys WHERE id = ?", Tuple.of(id)).map(rows -> rows.rowCount() > 0);
  }

  private static ProviderKey providerKey(Row row) {
    return new ProviderKey(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
        row.getString(5), row.getString(6), row.getLong(7));
  }

  // ---- virtual keys ----

  private static final Owners<VirtualKey> VIRTUAL_KEYS = new Owners<>("virtual_keys",
      "id, name, key_hash, expires_at, created_at", "virtual_key_id", "virtual_key_provider_keys",
      "virtual_key_llm_proxies", AuthStore::virtualKey);

  /**
   * Stores a virtual key with its mappings, all or nothing. Mapping one provider key twice fails
   * with {@link DuplicateException}, a provider key or LLM proxy that does not exist with
   * {@link UnknownReferenceException}.
   */
  public Future<VirtualKey> createVirtualKey(String name, String keyHash, List<KeyMapping> providerKeys,
      List<String> llmProxyIds, Long expiresAt) {
    VirtualKey key = new VirtualKey(UUID.randomUUID().toString(), name, keyHash, providerKeys, llmProxyIds,
        expiresAt, System.currentTimeMillis());
    return db.inTransaction(conn -> db.query(conn,
                "INSERT INTO virtual_keys (id, name, key_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?)",
                Tuple.of(key.id(), key.name(), key.keyHash(), key.expiresAt(), key.createdAt()))
            .compose(ignored -> insertMappings(conn, VIRTUAL_KEYS, key.id(), key.providerKeys(), key.llmProxyIds())))
        .map(key)
        .recover(failure -> Future.failedFuture(mappingFailure(failure, "llmProxyIds")));
  }

  public Future<List<VirtualKey>> listVirtualKeys() {
    return list(VIRTUAL_KEYS);
  }

  public Future<Optional<VirtualKey>> findVirtualKeyByHash(String keyHash) {
    return findBy(VIRTUAL_KEYS, "key_hash", keyHash);
  }

  /** The deleted key (its hash is needed to tell gateways), or empty when there was none. */
  public Future<Optional<VirtualKey>> deleteVirtualKey(String id) {
    return delete(VIRTUAL_KEYS, id);
  }

  private static VirtualKey virtualKey(Row row, Map<String, List<KeyMapping>> providers,
      Map<String, List<String>> proxies) {
    String id = row.getString(0);
    return new VirtualKey(id, row.getString(1), row.getString(2), providers.getOrDefault(id, List.of()),
        proxies.getOrDefault(id, List.of()), row.getLong(3), row.getLong(4));
  }

  // ---- OAuth clients ----

  private static final Owners<OAuthClient> OAUTH_CLIENTS = new Owners<>("oauth_clients",
      "id, name, client_id, secret_hash, created_at", "oauth_client_id", "oauth_client_provider_keys",
      "oauth_client_llm_proxies", AuthStore::oauthClient);

  /** Stores an OAuth client with its mappings, all or nothing; failures as {@link #createVirtualKey}'s. */
  public Future<OAuthClient> createOAuthClient(String name, String clientId, String secretHash,
      List<KeyMapping> providerKeys, List<String> allowedLlmProxyIds) {
    OAuthClient client = new OAuthClient(UUID.randomUUID().toString(), name, clientId, secretHash, providerKeys,
        allowedLlmProxyIds, System.currentTimeMillis());
    return db.inTransaction(conn -> db.query(conn,
                "INSERT INTO oauth_clients (id, name, client_id, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)",
                Tuple.of(client.id(), client.name(), client.clientId(), client.secretHash(), client.createdAt()))
            .compose(ignored -> insertMappings(conn, OAUTH_CLIENTS, client.id(), client.providerKeys(),
                client.allowedLlmProxyIds())))
        .map(client)
        .recover(failure -> Future.failedFuture(mappingFailure(failure, "allowedLlmProxyIds")));
  }

  public Future<List<OAuthClient>> listOAuthClients() {
    return list(OAUTH_CLIENTS);
  }

  public Future<Optional<OAuthClient>> findOAuthClientByClientId(String clientId) {
    return findBy(OAUTH_CLIENTS, "client_id", clientId);
  }

  /** The deleted client (its client id is needed to tell gateways), or empty when there was none. */
  public Future<Optional<OAuthClient>> deleteOAuthClient(String id) {
    return delete(OAUTH_CLIENTS, id);
  }

  private static OAuthClient oauthClient(Row row, Map<String, List<KeyMapping>> providers,
      Map<String, List<String>> proxies) {
    String id = row.getString(0);
    return new OAuthClient(id, row.getString(1), row.getString(2), row.getString(3),
        providers.getOrDefault(id, List.of()), proxies.getOrDefault(id, List.of()), row.getLong(4));
  }

  // ---- shared by virtual keys and OAuth clients ----

  /**
   * A table whose rows own provider-key and LLM-proxy mappings, each mapping table keyed by
   * {@code ownerColumn}. {@code columns} start with the id; {@code fromRow} reads them by position.
   */
  private record Owners<T>(String table, String columns, String ownerColumn, String providerTable,
      String proxyTable, OwnerRow<T> fromRow) {}

  private interface OwnerRow<T> {
    T from(Row row, Map<String, List<KeyMapping>> providers, Map<String, List<String>> proxies);
  }

  private <T> Future<List<T>> list(Owners<T> owners) {
    return Future.all(
            db.query("SELECT " + owners.columns() + " FROM " + owners.table() + " ORDER BY created_at, id",
                Tuple.tuple()),
            db.query(providerMappingQuery(owners, ""), Tuple.tuple()),
            db.query("SELECT " + owners.ownerColumn() + ", llm_proxy_id FROM " + owners.proxyTable(), Tuple.tuple()))
        .map(results -> {
          Map<String, List<KeyMapping>> providers = providerMappings(results.resultAt(1));
          Map<String, List<String>> proxies = proxyMappings(results.resultAt(2));
          return all(results.<RowSet<Row>>resultAt(0)).stream()
              .map(row -> owners.fromRow().from(row, providers, proxies)).toList();
        });
  }

  /** The owner whose {@code column} (a unique one) holds {@code value}, with its mappings. */
  private <T> Future<Optional<T>> findBy(Owners<T> owners, String column, String value) {
    return db.query("SELECT " + owners.columns() + " FROM " + owners.table() + " WHERE " + column + " = ?",
            Tuple.of(value))
        .compose(rows -> {
          Optional<Row> row = first(rows);
          if (row.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
          }
          String id = row.get().getString(0);
          return Future.all(
                  db.query(providerMappingQuery(owners, " WHERE " + owners.ownerColumn() + " = ?"), Tuple.of(id)),
                  db.query("SELECT " + owners.ownerColumn() + ", llm_proxy_id FROM " + owners.proxyTable()
                      + " WHERE " + owners.ownerColumn() + " = ?", Tuple.of(id)))
              .map(results -> Optional.of(owners.fromRow().from(row.get(), providerMappings(results.resultAt(0)),
                  proxyMappings(results.resultAt(1)))));
        });
  }

  /** The deleted owner without its mappings (the database drops those with it), or empty. */
  private <T> Future<Optional<T>> delete(Owners<T> owners, String id) {
    return db.inTransaction(conn -> db.query(conn,
            "SELECT " + owners.columns() + " FROM " + owners.table() + " WHERE id = ?", Tuple.of(id))
        .compose(rows -> {
          Optional<Row> row = first(rows);
          if (row.isEmpty()) {
            return Future.succeededFuture(Optional.<T>empty());
          }
          return db.query(conn, "DELETE FROM " + owners.table() + " WHERE id = ?", Tuple.of(id))
              .map(ignored -> Optional.of(owners.fromRow().from(row.get(), Map.of(), Map.of())));
        }));
  }

  /**
   * The provider-key mappings of {@code owners} (all, or those {@code where} selects), in the order
   * the records hold them: by owner, by provider, then as they were given.
   */
  private static String providerMappingQuery(Owners<?> owners, String where) {
    return "SELECT " + owners.ownerColumn() + ", provider, provider_key_id, weight FROM " + owners.providerTable()
        + where + " ORDER BY " + owners.ownerColumn() + ", provider, ordinal, provider_key_id";
  }

  /** Every mapping, its ordinal its place in the owner's (already ordered) list. */
  private Future<Void> insertMappings(SqlConnection conn, Owners<?> owners, String ownerId,
      List<KeyMapping> providerKeys, List<String> proxyIds) {
    Future<?> chain = Future.succeededFuture();
    if (!providerKeys.isEmpty()) {
      List<Tuple> rows = new ArrayList<>();
      for (int i = 0; i < providerKeys.size(); i++) {
        KeyMapping mapping = providerKeys.get(i);
        rows.add(Tuple.of(ownerId, mapping.provider(), mapping.providerKeyId(), mapping.weight(), i));
      }
      chain = chain.compose(ignored -> conn.preparedQuery(db.dialect("INSERT INTO " + owners.providerTable() + " ("
          + owners.ownerColumn() + ", provider, provider_key_id, weight, ordinal) VALUES (?, ?, ?, ?, ?)"))
          .executeBatch(rows));
    }
    if (!proxyIds.isEmpty()) {
      List<Tuple> rows = proxyIds.stream().distinct().map(proxyId -> Tuple.of(ownerId, proxyId)).toList();
      chain = chain.compose(ignored -> conn.preparedQuery(db.dialect("INSERT INTO " + owners.proxyTable() + " ("
          + owners.ownerColumn() + ", llm_proxy_id) VALUES (?, ?)")).executeBatch(rows));
    }
    return chain.mapEmpty();
  }

  private static Throwable mappingFailure(Throwable failure, String proxyField) {
    if (Database.uniqueViolation(failure)) {
      return new DuplicateException("A provider key cannot be mapped twice", "providerKeyIds");
    }
    if (Database.foreignKeyViolation(failure)) {
      return new UnknownReferenceException("A provider key or LLM proxy named here does not exist", proxyField);
    }
    return failure;
  }

  private static Map<String, List<KeyMapping>> providerMappings(RowSet<Row> rows) {
    Map<String, List<KeyMapping>> byOwner = new HashMap<>();
    for (Row row : rows) {
      byOwner.computeIfAbsent(row.getString(0), owner -> new ArrayList<>())
          // Written only within the bounds; a hand-edited row is held to them rather than failing every read.
          .add(new KeyMapping(row.getString(1), row.getString(2),
              Math.max(KeyMapping.MIN_WEIGHT, Math.min(KeyMapping.MAX_WEIGHT, row.getInteger(3)))));
    }
    return byOwner;
  }

  private static Map<String, List<String>> proxyMappings(RowSet<Row> rows) {
    Map<String, List<String>> byOwner = new HashMap<>();
    for (Row row : rows) {
      byOwner.computeIfAbsent(row.getString(0), owner -> new ArrayList<>()).add(row.getString(1));
    }
    return byOwner;
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? Optional.of(iterator.next()) : Optional.empty();
  }

  private static List<Row> all(RowSet<Row> rows) {
    List<Row> list = new ArrayList<>();
    rows.forEach(list::add);
    return list;
  }
}
