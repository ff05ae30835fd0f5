package dev.portcullis.usage.query;

import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.vertx.sqlclient.Tuple;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which usage records a query reads: {@code from} (inclusive) and {@code to} (exclusive) and exact
 * matches on the LLM proxy, the caller, the provider and the model. Every part is optional (null:
 * any). Read from query parameters by {@link #from(RequestParameters)}; turned into a SQL condition
 * whose values are always bound, never written into the statement.
 *
 * @param model matched against the model that answered, or the one asked for when none is known
 */
public record UsageFilter(Instant from, Instant to, String llmProxyId, String virtualKeyId, String oauthClientId,
    String provider, String model) {

  /** The filter's query parameters, which the report and the export both take. */
  public static final Set<String> PARAMETERS =
      Set.of("from", "to", "llmProxyId", "virtualKeyId", "oauthClientId", "provider", "model");

  /** Times from the start of 1970 up to (not including) the year 10000, so a time is a {@code long} of ms with 4-digit years. */
  static final Instant EARLIEST = Instant.EPOCH;
  static final Instant LATEST = LocalDate.of(10_000, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant();

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]*");
  private static final Pattern PROVIDER = Pattern.compile("[a-z0-9][a-z0-9._-]*");
  private static final int MAX_PROXY_ID = 64;
  private static final int MAX_CALLER_ID = 128;
  private static final int MAX_PROVIDER = 32;
  private static final int MAX_MODEL = 256;
  private static final int MAX_TIME = 40;

  public UsageFilter {
    if (from != null && to != null && from.isAfter(to)) {
      throw new UsageRequestException("from (" + from + ") is after to (" + to + ")", "from");
    }
  }

  /** Every record. */
  public static UsageFilter all() {
    return new UsageFilter(null, null, null, null, null, null, null);
  }

  /**
   * The filter a request's parameters name. Times are ISO-8601 instants
   * ({@code 2026-12-01T00:00:00Z}, an offset instead of {@code Z} is allowed) or dates
   * ({@code 2026-12-01}: that day's start in UTC); ids are letters, digits and {@code . _ : -}.
   *
   * @throws UsageRequestException for a value that is empty, too long, of the wrong form, a time
   *                               outside 1970-9999, {@code from} after {@code to}, or both a
   *                               virtual key and an OAuth client (no call has both)
   */
  public static UsageFilter from(RequestParameters parameters) {
    String virtualKeyId = id(parameters, "virtualKeyId", MAX_CALLER_ID);
    String oauthClientId = id(parameters, "oauthClientId", MAX_CALLER_ID);
    if (virtualKeyId != null && oauthClientId != null) {
      throw new UsageRequestException("Give virtualKeyId or oauthClientId, not both: a call has one caller",
          "oauthClientId");
    }
    return new UsageFilter(time(parameters, "from"), time(parameters, "to"),
        id(parameters, "llmProxyId", MAX_PROXY_ID), virtualKeyId, oauthClientId,
        matching(parameters, "provider", MAX_PROVIDER, PROVIDER, "lowercase letters, digits and . _ -"),
        model(parameters));
  }

  /**
   * The condition on {@code usage_records} or {@code usage_totals} ({@code ""} for every row), its
   * values added to {@code arguments}.
   */
  String where(Tuple arguments) {
    List<String> conditions = new ArrayList<>();
    if (from != null) {
      conditions.add("time_ms >= ?");
      arguments.addLong(from.toEpochMilli());
    }
    if (to != null) {
      conditions.add("time_ms < ?");
      arguments.addLong(to.toEpochMilli());
    }
    if (llmProxyId != null) {
      conditions.add("llm_proxy_id = ?");
      arguments.addString(llmProxyId);
    }
    if (virtualKeyId != null) {
      conditions.add("caller_kind = ? AND caller_id = ?");
      arguments.addString("virtual_key").addString(virtualKeyId);
    }
    if (oauthClientId != null) {
      conditions.add("caller_kind = ? AND caller_id = ?");
      arguments.addString("oauth_client").addString(oauthClientId);
    }
    if (provider != null) {
      conditions.add("provider = ?");
      arguments.addString(provider);
    }
    if (model != null) {
      conditions.add("COALESCE(answered_model, requested_model) = ?");
      arguments.addString(model);
    }
    return String.join(" AND ", conditions);
  }

  /**
   * Whether a stored record ({@code UsageStore.asStored}) is one {@link #where} selects: its time
   * within {@code [from, to)} and every other part equal.
   */
  public boolean matches(UsageRecord r) {
    return (from == null || r.timeMillis() >= from.toEpochMilli())
        && (to == null || r.timeMillis() < to.toEpochMilli())
        && (llmProxyId == null || llmProxyId.equals(r.llmProxyId()))
        && (virtualKeyId == null || r.callerKind() == CallerKind.VIRTUAL_KEY && virtualKeyId.equals(r.callerId()))
        && (oauthClientId == null || r.callerKind() == CallerKind.OAUTH_CLIENT && oauthClientId.equals(r.callerId()))
        && (provider == null || provider.equals(r.provider()))
        && (model == null || model.equals(r.answeredModel() != null ? r.answeredModel() : r.requestedModel()));
  }

  /** The same filter over {@code [fromMs, toMs)} (null: unbounded) instead of its own times. */
  public UsageFilter between(Long fromMs, Long toMs) {
    return new UsageFilter(fromMs == null ? null : Instant.ofEpochMilli(fromMs),
        toMs == null ? null : Instant.ofEpochMilli(toMs), llmProxyId, virtualKeyId, oauthClientId, provider, model);
  }

  private static Instant time(RequestParameters parameters, String name) {
    String value = present(parameters, name, MAX_TIME);
    if (value == null) {
      return null;
    }
    Instant time;
    try {
      time = value.length() <= 10 || value.indexOf('T') < 0
          ? LocalDate.parse(value, DateTimeFormatter.ISO_LOCAL_DATE).atStartOfDay(ZoneOffset.UTC).toInstant()
          : DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(value, Instant::from);
    } catch (DateTimeException e) {
      throw new UsageRequestException(name + " must be an ISO-8601 instant (2026-12-01T00:00:00Z) or date (2026-12-01), not "
          + UsageRequestException.shown(value), name);
    }
    if (time.isBefore(EARLIEST) || !time.isBefore(LATEST)) {
      throw new UsageRequestException(name + " must lie between 1970-01-01 and 9999-12-31, not "
          + UsageRequestException.shown(value), name);
    }
    return time;
  }

  private static String id(RequestParameters parameters, String name, int maxLength) {
    return matching(parameters, name, maxLength, ID, "letters, digits and . _ : -");
  }

  private static String matching(RequestParameters parameters, String name, int maxLength, Pattern form,
      String formText) {
    String value = present(parameters, name, maxLength);
    if (value != null && !form.matcher(value).matches()) {
      throw new UsageRequestException(name + " may hold only " + formText + ", not " + UsageRequestException.shown(value),
          name);
    }
    return value;
  }

  /** A model as a client named it: anything printable. */
  private static String model(RequestParameters parameters) {
    String value = present(parameters, "model", MAX_MODEL);
    if (value != null && value.chars().anyMatch(Character::isISOControl)) {
      throw new UsageRequestException("model may not hold control characters", "model");
    }
    return value;
  }

  private static String present(RequestParameters parameters, String name, int maxLength) {
    String value = parameters.get(name);
    if (value == null) {
      return null;
    }
    if (value.isEmpty()) {
      throw new UsageRequestException(name + " is empty; leave it out to match any", name);
    }
    if (value.length() > maxLength) {
      throw new UsageRequestException(name + " is longer than " + maxLength + " characters", name);
    }
    return value;
  }
}
