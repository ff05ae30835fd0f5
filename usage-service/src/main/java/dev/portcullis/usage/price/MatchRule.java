package dev.portcullis.usage.price;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A genai-prices {@code match} rule, applied as its JavaScript implementation applies it: the
 * model id is lowercased and trimmed before matching ({@link PriceCatalog} does that), the string
 * rules compare lowercased, a regex is searched for anywhere in the lowercased id unless anchored,
 * and a rule of a kind it does not know never matches.
 */
sealed interface MatchRule {

  /** @param model the model id, already lowercased and trimmed */
  boolean matches(String model);

  record Equals(String value) implements MatchRule {
    public boolean matches(String model) {
      return model.equals(value);
    }
  }

  record StartsWith(String value) implements MatchRule {
    public boolean matches(String model) {
      return model.startsWith(value);
    }
  }

  record EndsWith(String value) implements MatchRule {
    public boolean matches(String model) {
      return model.endsWith(value);
    }
  }

  record Contains(String value) implements MatchRule {
    public boolean matches(String model) {
      return model.contains(value);
    }
  }

  record Regex(Pattern pattern) implements MatchRule {
    public boolean matches(String model) {
      return pattern.matcher(model).find();
    }
  }

  record AnyOf(List<MatchRule> rules) implements MatchRule {
    public boolean matches(String model) {
      for (MatchRule rule : rules) {
        if (rule.matches(model)) {
          return true;
        }
      }
      return false;
    }
  }

  record AllOf(List<MatchRule> rules) implements MatchRule {
    public boolean matches(String model) {
      for (MatchRule rule : rules) {
        if (!rule.matches(model)) {
          return false;
        }
      }
      return true;
    }
  }

  /** A rule of a kind this reader does not know, or a regex Java cannot compile. */
  record Never(String why) implements MatchRule {
    public boolean matches(String model) {
      return false;
    }
  }

  /** Reads a rule object; its first known key decides, in the order genai-prices checks them. */
  static MatchRule parse(JsonNode node) {
    if (node == null || !node.isObject()) {
      return new Never("not an object");
    }
    if (node.has("or")) {
      return new AnyOf(parseAll(node.get("or")));
    }
    if (node.has("and")) {
      return new AllOf(parseAll(node.get("and")));
    }
    if (node.has("equals")) {
      return text(node, "equals", Equals::new);
    }
    if (node.has("starts_with")) {
      return text(node, "starts_with", StartsWith::new);
    }
    if (node.has("ends_with")) {
      return text(node, "ends_with", EndsWith::new);
    }
    if (node.has("contains")) {
      return text(node, "contains", Contains::new);
    }
    if (node.has("regex")) {
      return text(node, "regex", regex -> {
        try {
          return new Regex(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
          return new Never("regex " + regex + " does not compile in Java");
        }
      });
    }
    return new Never("no rule this reader knows");
  }

  /** A string rule; its value lowercased, except a regex, which JavaScript applies as written. */
  private static MatchRule text(JsonNode node, String kind, Function<String, MatchRule> rule) {
    JsonNode value = node.get(kind);
    if (!value.isTextual()) {
      return new Never(kind + " is not a string");
    }
    return rule.apply(kind.equals("regex") ? value.asText() : value.asText().toLowerCase(Locale.ROOT));
  }

  private static List<MatchRule> parseAll(JsonNode array) {
    List<MatchRule> rules = new ArrayList<>();
    if (array != null && array.isArray()) {
      array.forEach(item -> rules.add(parse(item)));
    }
    return List.copyOf(rules);
  }
}
