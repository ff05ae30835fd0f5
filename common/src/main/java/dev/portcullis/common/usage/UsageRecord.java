package dev.portcullis.common.usage;

import io.vertx.core.json.JsonObject;

/**
 * One call as the usage ledger keeps it: written by the gateway when the call is over (whatever
 * way it ended), journaled on the gateway's disk, shipped in batches to the ledger
 * ({@code portcullis.usage.records}), which prices and stores it once, keyed by {@code id}.
 *
 * <p>Nothing secret: the caller is a virtual key id, an OAuth client id, or for a passthrough
 * call a hash of the presented key ({@link CallerKind}). Token counts are -1 where the provider
 * did not report them. {@code audit} is present only when the call's LLM proxy audits
 * ({@code auditBodies} metadata or full): its bodies, already redacted, or none. {@code limits}
 * names the limit rules that acted on the call ({@code refused:<rule id>} for the hard rule that
 * refused it, {@code soft:<id>,<id>} for soft rules it went over), or is {@code null}.
 * {@code policy} says what the LLM proxy's security policies did to the call (see
 * {@code PolicyNote} in the gateway: the context's trust and why, what was blocked, redacted or
 * logged, by detector or rule id, never the data itself), or is {@code null}.
 */
public record UsageRecord(
    String id,
    long timeMillis,
    String llmProxyId,
    CallerKind callerKind,
    String callerId,
    String provider,
    String operation,
    String requestedModel,
    String answeredModel,
    long inputTokens,
    long outputTokens,
    long cachedInputTokens,
    long cacheWriteTokens,
    long reasoningTokens,
    boolean stream,
    int status,
    String outcome,
    double latencyMs,
    Double ttfbMs,
    Audit audit,
    String limits,
    String policy) {

  /** A record that no security policy acted on. */
  public UsageRecord(String id, long timeMillis, String llmProxyId, CallerKind callerKind, String callerId,
      String provider, String operation, String requestedModel, String answeredModel, long inputTokens,
      long outputTokens, long cachedInputTokens, long cacheWriteTokens, long reasoningTokens, boolean stream,
      int status, String outcome, double latencyMs, Double ttfbMs, Audit audit, String limits) {
    this(id, timeMillis, llmProxyId, callerKind, callerId, provider, operation, requestedModel, answeredModel,
        inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, stream, status, outcome,
        latencyMs, ttfbMs, audit, limits, null);
  }

  /** A record that no limit rule flagged. */
  public UsageRecord(String id, long timeMillis, String llmProxyId, CallerKind callerKind, String callerId,
      String provider, String operation, String requestedModel, String answeredModel, long inputTokens,
      long outputTokens, long cachedInputTokens, long cacheWriteTokens, long reasoningTokens, boolean stream,
      int status, String outcome, double latencyMs, Double ttfbMs, Audit audit) {
    this(id, timeMillis, llmProxyId, callerKind, callerId, provider, operation, requestedModel, answeredModel,
        inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, stream, status, outcome,
        latencyMs, ttfbMs, audit, null, null);
  }

  /** Who made the call, as far as the gateway knows. */
  public enum CallerKind {
    VIRTUAL_KEY, OAUTH_CLIENT, PASSTHROUGH, SERVER_IDENTITY, NONE;

    /** Made once: every record's line names its caller kind. */
    private final String wire = name().toLowerCase(java.util.Locale.ROOT);

    public String wire() {
      return wire;
    }

    public static CallerKind ofWire(String wire) {
      return wire == null ? NONE : valueOf(wire.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /**
   * What the audit log keeps of the call: its level ({@code metadata} or {@code full}) and, at
   * {@code full}, the request and the answer (a stream's bytes in order), secrets redacted,
   * each cut at a bound ({@code truncated} says so).
   */
  public record Audit(String level, String requestBody, String responseBody, boolean truncated) {

    JsonObject toJson() {
      return new JsonObject().put("level", level).put("request", requestBody).put("response", responseBody)
          .put("truncated", truncated);
    }

    static Audit fromJson(JsonObject json) {
      return json == null ? null : new Audit(json.getString("level"), json.getString("request"),
          json.getString("response"), json.getBoolean("truncated", false));
    }
  }

  /** The same record with {@code audit} in place of its own. */
  public UsageRecord withAudit(Audit audit) {
    return new UsageRecord(id, timeMillis, llmProxyId, callerKind, callerId, provider, operation, requestedModel,
        answeredModel, inputTokens, outputTokens, cachedInputTokens, cacheWriteTokens, reasoningTokens, stream, status,
        outcome, latencyMs, ttfbMs, audit, limits, policy);
  }

  /** One line of the journal and one element of a shipped batch. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
        .put("id", id)
        .put("time", timeMillis)
        .put("proxy", llmProxyId)
        .put("callerKind", callerKind.wire())
        .put("callerId", callerId)
        .put("provider", provider)
        .put("operation", operation)
        .put("requestedModel", requestedModel)
        .put("answeredModel", answeredModel)
        .put("in", inputTokens)
        .put("out", outputTokens)
        .put("cached", cachedInputTokens)
        .put("cacheWrite", cacheWriteTokens)
        .put("reasoning", reasoningTokens)
        .put("stream", stream)
        .put("status", status)
        .put("outcome", outcome)
        .put("latencyMs", latencyMs)
        .put("ttfbMs", ttfbMs);
    if (audit != null) {
      json.put("audit", audit.toJson());
    }
    if (limits != null) {
      json.put("limits", limits);
    }
    if (policy != null) {
      json.put("policy", policy);
    }
    return json;
  }

  public static UsageRecord fromJson(JsonObject json) {
    return new UsageRecord(
        json.getString("id"),
        json.getLong("time"),
        json.getString("proxy"),
        CallerKind.ofWire(json.getString("callerKind")),
        json.getString("callerId"),
        json.getString("provider"),
        json.getString("operation"),
        json.getString("requestedModel"),
        json.getString("answeredModel"),
        json.getLong("in", -1L),
        json.getLong("out", -1L),
        json.getLong("cached", -1L),
        json.getLong("cacheWrite", -1L),
        json.getLong("reasoning", -1L),
        json.getBoolean("stream", false),
        json.getInteger("status"),
        json.getString("outcome"),
        json.getDouble("latencyMs", 0.0),
        json.getDouble("ttfbMs"),
        Audit.fromJson(json.getJsonObject("audit")),
        json.getString("limits"),
        json.getString("policy"));
  }
}
