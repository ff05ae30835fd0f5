package dev.portcullis.policy.sensitive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A detector made of patterns (see {@link Rule}). The
 * patterns must start with a literal and bound every repetition, so a scan is linear in the text
 * with a constant no larger than the longest match.
 */
final class RegexDetector implements Detector {

  /**
   * A pattern, the group that is the secret (0: the whole match), and a literal every match
   * contains (lower case when {@code ignoreCase}): the pattern runs only when the text holds it,
   * and from its first occurrence less {@code lookBack} characters, so text without it costs one
   * {@link String#indexOf}.
   */
  record Rule(Pattern pattern, int group, String trigger, boolean ignoreCase, int lookBack) {
    static Rule of(String trigger, String regex) {
      return new Rule(Pattern.compile(regex), 0, trigger, false, 1);
    }

    /** A rule whose trigger is matched in any case and may come up to {@code lookBack} characters after the match's start. */
    static Rule ofIgnoringCase(String trigger, String regex, int group, int lookBack) {
      return new Rule(Pattern.compile(regex), group, trigger, true, lookBack);
    }
  }

  private final String name;
  private final List<Rule> rules;

  RegexDetector(String name, List<Rule> rules) {
    this.name = name;
    this.rules = List.copyOf(rules);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public List<Finding> find(CharSequence text) {
    List<Finding> found = new ArrayList<>();
    String plain = null;
    String lower = null;
    for (Rule rule : rules) {
      int first;
      if (rule.ignoreCase()) {
        lower = lower != null ? lower : text.toString().toLowerCase(Locale.ROOT);
        first = lower.indexOf(rule.trigger());
      } else {
        plain = plain != null ? plain : text.toString();
        first = plain.indexOf(rule.trigger());
      }
      if (first < 0) {
        continue;
      }
      Matcher m = rule.pattern().matcher(text);
      // Transparent bounds: look-behinds still see the text before the region.
      m.useTransparentBounds(true).region(Math.max(0, first - rule.lookBack()), text.length());
      while (m.find()) {
        if (m.start(rule.group()) >= 0 && m.end(rule.group()) > m.start(rule.group())) {
          found.add(new Finding(name, m.start(rule.group()), m.end(rule.group())));
        }
      }
    }
    if (rules.size() > 1) {
      found.sort(Comparator.comparingInt(Finding::start));
      return SensitiveScanner.merge(found);
    }
    return found;
  }
}
