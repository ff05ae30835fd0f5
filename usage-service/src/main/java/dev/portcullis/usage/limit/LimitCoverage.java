package dev.portcullis.usage.limit;

import dev.portcullis.common.limit.LimitRule;
import dev.portcullis.common.usage.UsageRecord;
import dev.portcullis.common.usage.UsageRecord.CallerKind;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Which usage records a limit rule covers, as a SQL condition on {@code usage_records} or
 * {@code usage_totals} ({@link #where}) or a test of a decoded record ({@link #covers}), whose
 * values are bound, never written into the statement: the rule's subject (its caller, or its LLM
 * proxy, or every call) and its models. A model glob is matched as {@code LimitRule.coversModel}
 * matches it, against {@code provider:requested model}, by {@code LIKE} with {@code !} as the
 * escape character, so that a {@code %} or {@code _} in a model name is only itself.
 */
final class LimitCoverage {

  /** Not a backslash: PostgreSQL and H2 would read one in a string literal differently by setting. */
  static final char ESCAPE = '!';

  private LimitCoverage() {}

  /** The condition ({@code ""} for every record), its values added to {@code arguments}. */
  static String where(LimitRule rule, Tuple arguments) {
    List<String> conditions = new ArrayList<>();
    LimitRule.Subject subject = rule.appliesTo();
    switch (subject.kind()) {
      case VIRTUAL_KEY -> {
        conditions.add("caller_kind = ? AND caller_id = ?");
        arguments.addString(CallerKind.VIRTUAL_KEY.wire()).addString(subject.id());
      }
      case OAUTH_CLIENT -> {
        conditions.add("caller_kind = ? AND caller_id = ?");
        arguments.addString(CallerKind.OAUTH_CLIENT.wire()).addString(subject.id());
      }
      case LLM_PROXY -> {
        conditions.add("llm_proxy_id = ?");
        arguments.addString(subject.id());
      }
      case ORGANIZATION -> {
        // Every call.
      }
    }
    if (rule.models() != null) {
      List<String> models = new ArrayList<>();
      for (String glob : rule.models()) {
        models.add("provider || ':' || COALESCE(requested_model, '') LIKE ? ESCAPE '" + ESCAPE + "'");
        arguments.addString(likePattern(glob));
      }
      conditions.add("(" + String.join(" OR ", models) + ")");
    }
    return String.join(" AND ", conditions);
  }

  /** Whether the rule covers a stored record ({@code UsageStore.asStored}): what {@link #where} selects. */
  static boolean covers(LimitRule rule, UsageRecord record) {
    LimitRule.Subject subject = rule.appliesTo();
    boolean subjectMatches = switch (subject.kind()) {
      case VIRTUAL_KEY -> record.callerKind() == CallerKind.VIRTUAL_KEY && subject.id().equals(record.callerId());
      case OAUTH_CLIENT -> record.callerKind() == CallerKind.OAUTH_CLIENT && subject.id().equals(record.callerId());
      case LLM_PROXY -> subject.id().equals(record.llmProxyId());
      case ORGANIZATION -> true;
    };
    return subjectMatches && rule.coversModel(record.provider(), record.requestedModel());
  }

  /** A glob as a LIKE pattern: {@code *} is {@code %}, {@code ?} is {@code _}, everything else itself. */
  static String likePattern(String glob) {
    StringBuilder pattern = new StringBuilder(glob.length() + 8);
    for (int i = 0; i < glob.length(); i++) {
      char c = glob.charAt(i);
      switch (c) {
        case '*' -> pattern.append('%');
        case '?' -> pattern.append('_');
        case '%', '_', ESCAPE -> pattern.append(ESCAPE).append(c);
        default -> pattern.append(c);
      }
    }
    return pattern.toString();
  }
}
