package dev.portcullis.policy.document;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.common.json.ClientJsonLimits;
import dev.portcullis.policy.sensitive.Detectors;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a policy document strictly: unknown fields, wrong types, unknown words, tool globs,
 * regular expressions and JSON paths that do not compile, more than {@value #MAX_RULES} rules in
 * a list, strings over {@value #MAX_STRING} characters, duplicate rule ids and two sensitive-data
 * rules for one detector and side are all refused with a {@link PolicyDocumentException} naming
 * the field. Every part is optional; absent parts are empty ({@code trustedData.default}:
 * {@code untrusted}; a sensitive rule's {@code direction}: {@code request}).
 *
 * <p>One parser per document: it remembers the ids and detectors it has seen.
 */
public final class PolicyDocumentParser {

  public static final int MAX_RULES = 1_000;
  public static final int MAX_STRING = 4_096;
  /** Values an {@code in} condition may list. */
  public static final int MAX_VALUES = 1_000;
  /** How deep an {@code equals} or {@code in} value may nest. */
  public static final int MAX_VALUE_DEPTH = 32;
  /** The largest document read from text: the admin API's body limit. */
  public static final int MAX_DOCUMENT_BYTES = 1 << 20;

  /** Duplicate keys refused: two readers could otherwise take different values of one field. */
  private static final ObjectMapper STRICT_JSON = new ObjectMapper(ClientJsonLimits.factory(MAX_DOCUMENT_BYTES));
  private static final List<String> DETECTORS = Detectors.defaults().names();
  private static final String GLOB = "a tool name or a glob with * and ?, such as send_*";
  private static final String REGEX = "a regular expression in RE2 syntax";
  private static final String CONDITIONS = "equals, matches, prefix or in";

  private final Set<String> labels = new HashSet<>();
  /** "detector/side" to the path of the rule that covers it. */
  private final Map<String, String> sensitiveSides = new HashMap<>();

  private PolicyDocumentParser() {}

  public static PolicyDocument parse(JsonNode document) {
    return new PolicyDocumentParser().document(document);
  }

  public static PolicyDocument parse(JsonObject document) {
    return parse(document.encode());
  }

  /** Reads JSON text (duplicate keys refused, at most {@value #MAX_DOCUMENT_BYTES} bytes), then the document. */
  public static PolicyDocument parse(String json) {
    JsonNode root;
    try {
      root = STRICT_JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new PolicyDocumentException(null, "The policy document is not JSON: " + Excerpt.of(e.getOriginalMessage()));
    }
    return parse(root);
  }

  private PolicyDocument document(JsonNode root) {
    StrictObject document = StrictObject.of(root, null, "{\"toolInvocation\": [...], \"trustedData\": {...}, "
        + "\"sensitiveData\": [...]}");
    document.onlyFields("toolInvocation", "trustedData", "sensitiveData");
    List<ToolRule> tools = rules(document, "toolInvocation", this::toolRule);
    TrustedData trusted = document.has("trustedData") ? trustedData(document) : TrustedData.DEFAULT;
    List<SensitiveRule> sensitive = rules(document, "sensitiveData", this::sensitiveRule);
    return new PolicyDocument(tools, trusted, sensitive);
  }

  // ---- tool invocation ----

  private ToolRule toolRule(StrictObject rule) {
    rule.onlyFields("id", "tool", "argument", "equals", "matches", "prefix", "in", "action");
    String id = label(rule);
    ToolGlob tool = glob(rule, "tool");
    ArgumentCheck argument = argument(rule);
    ToolAction action = rule.word("action", null, List.of(ToolAction.values()));
    return new ToolRule(id, tool, argument, action);
  }

  private ArgumentCheck argument(StrictObject rule) {
    List<String> given = new ArrayList<>();
    for (String condition : List.of("equals", "matches", "prefix", "in")) {
      if (rule.has(condition)) {
        given.add(condition);
      }
    }
    if (!rule.has("argument")) {
      if (!given.isEmpty()) {
        String field = rule.path(given.get(0));
        throw new PolicyDocumentException(field, field + " needs argument: the JSON path of the value it compares, "
            + "such as $.url");
      }
      return null;
    }
    String text = rule.requiredString("argument", "a JSON path such as $.url");
    ArgumentPath path = compile(rule.path("argument"), () -> ArgumentPath.of(text));
    if (given.isEmpty()) {
      throw new PolicyDocumentException(rule.path("argument"), rule.path("argument") + " needs one of " + CONDITIONS
          + " beside it");
    }
    if (given.size() > 1) {
      String field = rule.path(given.get(1));
      throw new PolicyDocumentException(field, field + " cannot be given with " + given.get(0) + ": a rule has one of "
          + CONDITIONS);
    }
    return new ArgumentCheck(path, condition(rule, given.get(0)));
  }

  private ValueCondition condition(StrictObject rule, String kind) {
    String field = rule.path(kind);
    switch (kind) {
      case "equals":
        checkValue(rule.get(kind), field, 0);
        return new ValueCondition.Equals(rule.get(kind));
      case "matches":
        String regex = rule.requiredString(kind, REGEX);
        return new ValueCondition.Matches(compile(field, () -> TextPattern.of(regex)));
      case "prefix":
        return new ValueCondition.Prefix(rule.requiredString(kind, "the text the value starts with"));
      default:
        List<JsonNode> values = rule.array(kind, MAX_VALUES, "the values the argument may be");
        if (values.isEmpty()) {
          throw new PolicyDocumentException(field, field + " must list at least one value");
        }
        for (int i = 0; i < values.size(); i++) {
          checkValue(values.get(i), field + "[" + i + "]", 0);
        }
        return new ValueCondition.In(values);
    }
  }

  /** A value to compare with: strings within the limit, finite numbers, not nested too deep. */
  private static void checkValue(JsonNode value, String field, int depth) {
    if (depth > MAX_VALUE_DEPTH) {
      throw new PolicyDocumentException(field, field + " nests deeper than " + MAX_VALUE_DEPTH + " levels");
    }
    if (value.isTextual() && value.textValue().length() > MAX_STRING) {
      throw new PolicyDocumentException(field, field + " must be at most " + MAX_STRING + " characters");
    }
    if (value.isNumber() && !Double.isFinite(value.doubleValue())) {
      throw new PolicyDocumentException(field, field + " must be a finite number");
    }
    if (value.isArray()) {
      for (int i = 0; i < value.size(); i++) {
        checkValue(value.get(i), field + "[" + i + "]", depth + 1);
      }
    } else if (value.isObject()) {
      for (Map.Entry<String, JsonNode> member : value.properties()) {
        String memberField = field + "." + Excerpt.of(member.getKey());
        if (member.getKey().length() > MAX_STRING) {
          throw new PolicyDocumentException(memberField, field + " has a member name over " + MAX_STRING + " characters");
        }
        checkValue(member.getValue(), memberField, depth + 1);
      }
    }
  }

  // ---- trusted data ----

  private TrustedData trustedData(StrictObject document) {
    StrictObject trusted = StrictObject.of(document.get("trustedData"), "trustedData",
        "{\"default\": \"untrusted\", \"rules\": [...]}");
    trusted.onlyFields("default", "rules");
    Trust defaultTrust = trusted.word("default", Trust.UNTRUSTED, List.of(Trust.TRUSTED, Trust.UNTRUSTED));
    return new TrustedData(defaultTrust, rules(trusted, "rules", this::trustRule));
  }

  private TrustRule trustRule(StrictObject rule) {
    rule.onlyFields("id", "tool", "resultMatches", "trust");
    String id = label(rule);
    ToolGlob tool = glob(rule, "tool");
    String regex = rule.optionalString("resultMatches", REGEX);
    TextPattern resultMatches = regex == null ? null : compile(rule.path("resultMatches"), () -> TextPattern.of(regex));
    Trust trust = rule.word("trust", null, List.of(Trust.values()));
    return new TrustRule(id, tool, resultMatches, trust);
  }

  // ---- sensitive data ----

  private SensitiveRule sensitiveRule(StrictObject rule) {
    rule.onlyFields("id", "detector", "action", "direction");
    String id = label(rule);
    String detector = rule.requiredString("detector", "one of " + String.join(", ", DETECTORS));
    if (!DETECTORS.contains(detector)) {
      throw new PolicyDocumentException(rule.path("detector"), rule.path("detector") + " must be one of "
          + String.join(", ", DETECTORS) + "; got '" + Excerpt.of(detector) + "'");
    }
    SensitiveAction action = rule.word("action", null, List.of(SensitiveAction.values()));
    Direction direction = rule.word("direction", Direction.REQUEST, List.of(Direction.values()));
    for (Direction side : List.of(Direction.REQUEST, Direction.ANSWER)) {
      if (direction.covers(side)) {
        String earlier = sensitiveSides.putIfAbsent(detector + "/" + side.word(), rule.path("detector"));
        if (earlier != null) {
          throw new PolicyDocumentException(rule.path("detector"), rule.path("detector") + ": " + earlier
              + " already says what to do with " + detector + " on the " + side.word() + " side; one rule per "
              + "detector and side");
        }
      }
    }
    return new SensitiveRule(id, detector, action, direction);
  }

  // ---- shared ----

  private interface RuleReader<T> {
    T read(StrictObject rule);
  }

  private static <T> List<T> rules(StrictObject parent, String name, RuleReader<T> reader) {
    List<JsonNode> elements = parent.array(name, MAX_RULES, "a list of rules");
    List<T> rules = new ArrayList<>(elements.size());
    for (int i = 0; i < elements.size(); i++) {
      rules.add(reader.read(StrictObject.of(elements.get(i), parent.path(name) + "[" + i + "]", "a rule")));
    }
    return rules;
  }

  /** The rule's own id, unique in the document, or null. */
  private String label(StrictObject rule) {
    String id = rule.optionalString("id", "a short label");
    if (id == null) {
      return null;
    }
    if (!RuleId.LABEL.matcher(id).matches()) {
      throw new PolicyDocumentException(rule.path("id"), rule.path("id")
          + " must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' and '-'");
    }
    if (!labels.add(id)) {
      throw new PolicyDocumentException(rule.path("id"), rule.path("id") + " '" + id
          + "' is the id of another rule already; ids must be unique");
    }
    return id;
  }

  private static ToolGlob glob(StrictObject rule, String name) {
    String text = rule.requiredString(name, GLOB);
    return compile(rule.path(name), () -> ToolGlob.of(text));
  }

  private interface Compiler<T> {
    T compile();
  }

  /** Turns a compiler's {@link IllegalArgumentException} into a refusal of {@code field}. */
  private static <T> T compile(String field, Compiler<T> compiler) {
    try {
      return compiler.compile();
    } catch (IllegalArgumentException e) {
      throw new PolicyDocumentException(field, field + " " + e.getMessage());
    }
  }
}
