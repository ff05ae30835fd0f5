package dev.portcullis.gateway.limit;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.limit.LimitMetric;
import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.limit.LimitWindow;
import java.util.List;
import java.util.Map;

/**
 * What the limit rules said about one call: the amounts it holds on their counters (settled when it
 * ends), the soft rules it went over, or the refusal it gets instead.
 */
public final class LimitAdmission {

  /** No rule covers the call. */
  public static final LimitAdmission NONE = new LimitAdmission(List.of(), null, null, null, null, null);

  /** An amount held on one counter of one rule, given back or settled when the call ends. */
  record Reservation(LimitRule rule, LimitMetric metric, String key, LimitWindow window, long bucket, long amount) {}

  final List<Reservation> reservations;
  /** The soft rules the call went over, comma separated, or {@code null}. */
  final String softRules;
  final GatewayError refusal;
  final Map<String, String> refusalHeaders;
  /** The rule that refused the call, or {@code null}. */
  final String refusedBy;
  /** Where the call goes, for the exact price of what it used. */
  final String target;

  LimitAdmission(List<Reservation> reservations, String softRules, GatewayError refusal,
      Map<String, String> refusalHeaders, String refusedBy, String target) {
    this.reservations = reservations;
    this.softRules = softRules;
    this.refusal = refusal;
    this.refusalHeaders = refusalHeaders;
    this.refusedBy = refusedBy;
    this.target = target;
  }

  public boolean refused() {
    return refusal != null;
  }

  /** The error the caller gets, in its API's format; {@code null} when admitted. */
  public GatewayError refusal() {
    return refusal;
  }

  /** {@code Retry-After}, the {@code x-ratelimit-*} headers and the rule, for a refusal. */
  public Map<String, String> refusalHeaders() {
    return refusalHeaders == null ? Map.of() : refusalHeaders;
  }

  /** What the usage record says of the limits: {@code refused:<id>}, {@code soft:<id>,...}, or {@code null}. */
  public String note() {
    if (refusedBy != null) {
      return "refused:" + refusedBy;
    }
    return softRules == null ? null : "soft:" + softRules;
  }
}
