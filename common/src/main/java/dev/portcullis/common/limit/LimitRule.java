package dev.portcullis.common.limit;

import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;

/**
 * A limit rule as the admin API writes it ({@code /api/admin/limits}) and every gateway enforces
 * it: whom it applies to, on which models, and its limits, each optional.
 *
 * @param revision  grows with every change; counters whose meaning a change alters (spend) are
 *                  keyed by it, so an edited rule counts its spend afresh from the ledger
 * @param models    {@code provider:model} globs ({@code *} any run of characters, {@code ?} one);
 *                  {@code null}: every model
 */
public record LimitRule(
    String id,
    String name,
    Subject appliesTo,
    List<String> models,
    Long requestsPerMinute,
    Long tokensPerMinute,
    Long concurrentStreams,
    Spend spendUsd,
    Mode mode,
    long revision,
    String createdAt,
    String updatedAt) {

  /** {@code hard} refuses a call that would pass a limit; {@code soft} lets it through, flagged. */
  public enum Mode {
    HARD, SOFT;

    public String wire() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a rule applies to: one virtual key, OAuth client or LLM proxy, or every call. */
  public record Subject(Kind kind, String id) {

    public enum Kind {
      VIRTUAL_KEY("virtualKeyId"), OAUTH_CLIENT("oauthClientId"), LLM_PROXY("llmProxyId"),
      ORGANIZATION("organization");

      private final String field;

      Kind(String field) {
        this.field = field;
      }

      /** Its field in {@code appliesTo}. */
      public String field() {
        return field;
      }
    }

    public static final Subject ORGANIZATION = new Subject(Kind.ORGANIZATION, null);

    /** Whether a call by this caller through this LLM proxy is the subject's. */
    public boolean covers(CallerKind callerKind, String callerId, String llmProxyId) {
      return switch (kind) {
        case ORGANIZATION -> true;
        case LLM_PROXY -> id.equals(llmProxyId);
        case VIRTUAL_KEY -> callerKind == CallerKind.VIRTUAL_KEY && id.equals(callerId);
        case OAUTH_CLIENT -> callerKind == CallerKind.OAUTH_CLIENT && id.equals(callerId);
      };
    }

    public JsonObject toJson() {
      return kind == Kind.ORGANIZATION ? new JsonObject().put("organization", true)
          : new JsonObject().put(kind.field(), id);
    }
  }

  /** A spend limit in US dollars over a window ({@code day}, {@code month}, or rolling). */
  public record Spend(BigDecimal amount, LimitWindow window) {

    /** The amount in billionths of a dollar, the unit spend counters count in. */
    public long nanoUsd() {
      return LimitAmounts.nanoUsd(amount);
    }
  }

  /** Whether the rule covers a call to {@code provider:model} ({@code model} may be unknown: {@code null}). */
  public boolean coversModel(String provider, String model) {
    if (models == null) {
      return true;
    }
    String target = provider + ":" + (model == null ? "" : model);
    for (String glob : models) {
      if (ModelGlob.matches(glob, target)) {
        return true;
      }
    }
    return false;
  }

  public boolean hard() {
    return mode == Mode.HARD;
  }

  /** The rule as the admin API answers it. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id)
        .put("name", name)
        .put("appliesTo", appliesTo.toJson())
        .put("models", models == null ? null : new JsonArray(models))
        .put("requestsPerMinute", requestsPerMinute)
        .put("tokensPerMinute", tokensPerMinute)
        .put("concurrentStreams", concurrentStreams)
        .put("spendUsd", spendUsd == null ? null
            : new JsonObject().put("amount", spendUsd.amount()).put("window", spendUsd.window().wire()))
        .put("mode", mode.wire())
        .put("revision", revision)
        .put("createdAt", createdAt)
        .put("updatedAt", updatedAt);
  }

  /** Reads a rule this class wrote ({@link #toJson}); a client's rule is read by {@link LimitRuleParser}. */
  public static LimitRule fromJson(JsonObject json) {
    LimitRule parsed = LimitRuleParser.parse(json);
    return new LimitRule(json.getString("id"), parsed.name(), parsed.appliesTo(), parsed.models(),
        parsed.requestsPerMinute(), parsed.tokensPerMinute(), parsed.concurrentStreams(), parsed.spendUsd(),
        parsed.mode(), json.getLong("revision", 0L), json.getString("createdAt"), json.getString("updatedAt"));
  }

  /** The same rule under its stored identity. */
  public LimitRule stored(String id, long revision, String createdAt, String updatedAt) {
    return new LimitRule(id, name, appliesTo, models, requestsPerMinute, tokensPerMinute, concurrentStreams,
        spendUsd, mode, revision, createdAt, updatedAt);
  }
}
