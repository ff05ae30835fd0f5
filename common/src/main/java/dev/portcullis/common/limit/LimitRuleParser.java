package dev.portcullis.common.limit;

import dev.portcullis.common.limit.LimitRule.Mode;
import dev.portcullis.common.limit.LimitRule.Spend;
import dev.portcullis.common.limit.LimitRule.Subject;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a limit rule from a client (the admin API's POST and PUT body), strictly: an unknown
 * field, a wrong type, a limit that is not a positive whole number or a rule without any limit is
 * refused with the field at fault ({@link LimitRuleException}), never guessed at. The fields the
 * store owns ({@code id}, {@code revision}, {@code createdAt}, {@code updatedAt}) may be sent back
 * as they were read and are ignored.
 */
public final class LimitRuleParser {

  static final int MAX_NAME = 128;
  static final int MAX_ID = 128;
  static final int MAX_MODELS = 64;
  static final int MAX_GLOB = 256;
  /** Far above anything meaningful, far below what overflows a counter. */
  static final long MAX_COUNT = 1_000_000_000_000L;
  static final BigDecimal MAX_USD = BigDecimal.valueOf(1_000_000_000L);

  private static final Set<String> FIELDS = Set.of("name", "appliesTo", "models", "requestsPerMinute",
      "tokensPerMinute", "concurrentStreams", "spendUsd", "mode", "id", "revision", "createdAt", "updatedAt");

  private LimitRuleParser() {}

  /** The rule without its stored identity ({@code id} null, {@code revision} 0). */
  public static LimitRule parse(JsonObject body) {
    if (body == null) {
      throw new LimitRuleException(null, "The body must be a JSON object.");
    }
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw new LimitRuleException(clip(field), "is not a field of a limit rule; the fields are name, appliesTo,"
            + " models, requestsPerMinute, tokensPerMinute, concurrentStreams, spendUsd and mode");
      }
    }
    String name = text(body.getValue("name"), "name", MAX_NAME);
    Subject subject = subject(body.getValue("appliesTo"));
    List<String> models = models(body.getValue("models"));
    Long rpm = count(body.getValue("requestsPerMinute"), "requestsPerMinute");
    Long tpm = count(body.getValue("tokensPerMinute"), "tokensPerMinute");
    Long streams = count(body.getValue("concurrentStreams"), "concurrentStreams");
    Spend spend = spend(body.getValue("spendUsd"));
    if (rpm == null && tpm == null && streams == null && spend == null) {
      throw new LimitRuleException(null, "A limit rule needs at least one limit: requestsPerMinute, tokensPerMinute,"
          + " concurrentStreams or spendUsd.");
    }
    Mode mode = mode(body.getValue("mode"));
    return new LimitRule(null, name, subject, models, rpm, tpm, streams, spend, mode, 0, null, null);
  }

  private static Subject subject(Object value) {
    if (!(value instanceof JsonObject applies) || applies.isEmpty()) {
      throw new LimitRuleException("appliesTo", "must be an object naming one of virtualKeyId, oauthClientId,"
          + " llmProxyId, or {\"organization\": true}");
    }
    if (applies.size() != 1) {
      throw new LimitRuleException("appliesTo", "must name exactly one of virtualKeyId, oauthClientId, llmProxyId"
          + " or organization");
    }
    String field = applies.fieldNames().iterator().next();
    for (Subject.Kind kind : Subject.Kind.values()) {
      if (!kind.field().equals(field)) {
        continue;
      }
      if (kind == Subject.Kind.ORGANIZATION) {
        if (!Boolean.TRUE.equals(applies.getValue(field))) {
          throw new LimitRuleException("appliesTo.organization", "must be true");
        }
        return Subject.ORGANIZATION;
      }
      return new Subject(kind, text(applies.getValue(field), "appliesTo." + field, MAX_ID));
    }
    throw new LimitRuleException("appliesTo." + clip(field), "is not something a rule applies to; name one of"
        + " virtualKeyId, oauthClientId, llmProxyId or organization");
  }

  private static List<String> models(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > MAX_MODELS) {
      throw new LimitRuleException("models", "must be a list of 1 to " + MAX_MODELS
          + " provider:model globs such as \"openai:*\" (leave it out for every model)");
    }
    List<String> globs = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      String glob = text(array.getValue(i), "models[" + i + "]", MAX_GLOB);
      if (glob.indexOf(':') <= 0) {
        throw new LimitRuleException("models[" + i + "]", "must be provider:model, such as \"openai:gpt-4o*\" or"
            + " \"anthropic:*\"");
      }
      globs.add(glob);
    }
    return List.copyOf(globs);
  }

  private static Long count(Object value, String field) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof Number number) || !whole(number) || number.longValue() < 1
        || number.longValue() > MAX_COUNT) {
      throw new LimitRuleException(field, "must be a whole number from 1 to " + MAX_COUNT + ", or null for none");
    }
    return number.longValue();
  }

  private static Spend spend(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject spend)) {
      throw new LimitRuleException("spendUsd", "must be an object such as {\"amount\": 200, \"window\": \"month\"}");
    }
    for (String field : spend.fieldNames()) {
      if (!field.equals("amount") && !field.equals("window")) {
        throw new LimitRuleException("spendUsd." + clip(field), "is not a field of spendUsd: amount and window");
      }
    }
    Object amount = spend.getValue("amount");
    BigDecimal usd;
    try {
      usd = amount instanceof Number n ? new BigDecimal(n.toString()) : null;
    } catch (NumberFormatException e) {
      usd = null;
    }
    if (usd == null || usd.signum() <= 0 || usd.compareTo(MAX_USD) > 0 || usd.scale() > 9) {
      throw new LimitRuleException("spendUsd.amount", "must be a number of US dollars above 0 and at most "
          + MAX_USD.toPlainString() + ", with at most 9 decimals");
    }
    if (!(spend.getValue("window") instanceof String window)) {
      throw new LimitRuleException("spendUsd.window", "must be \"day\", \"month\" or a duration such as \"PT6H\"");
    }
    try {
      return new Spend(usd.stripTrailingZeros(), LimitWindow.parse(window));
    } catch (IllegalArgumentException e) {
      throw new LimitRuleException("spendUsd.window", e.getMessage());
    }
  }

  private static Mode mode(Object value) {
    if (value == null || "hard".equals(value)) {
      return Mode.HARD;
    }
    if ("soft".equals(value)) {
      return Mode.SOFT;
    }
    throw new LimitRuleException("mode", "must be \"hard\" (refuse) or \"soft\" (allow and flag)");
  }

  private static String text(Object value, String field, int max) {
    if (!(value instanceof String text) || text.isBlank() || text.length() > max) {
      throw new LimitRuleException(field, "must be a non-empty string of at most " + max + " characters");
    }
    for (int i = 0; i < text.length(); i++) {
      if (Character.isISOControl(text.charAt(i))) {
        throw new LimitRuleException(field, "must not hold control characters");
      }
    }
    return text;
  }

  private static boolean whole(Number number) {
    if (number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte) {
      return true;
    }
    if (number instanceof java.math.BigInteger big) {
      return big.bitLength() < 63;
    }
    double d = number.doubleValue();
    return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 9e15;
  }

  private static String clip(String field) {
    return field.length() > 64 ? field.substring(0, 64) + "..." : field;
  }
}
