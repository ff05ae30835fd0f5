package dev.portcullis.policy.sensitive;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A detector made of patterns, each with the group that is the secret (0: the whole match). The
 * patterns must start with a literal and bound every repetition, so a scan is linear in the text
 * with a constant no larger than the longest match.
 */
final class RegexDetector implements Detector {

  record Rule(Pattern pattern, int group) {
    static Rule of(String regex) {
      return new Rule(Pattern.compile(regex), 0);
    }

    static Rule of(String regex, int group) {
      return new Rule(Pattern.compile(regex), group);
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
    for (Rule rule : rules) {
      Matcher m = rule.pattern().matcher(text);
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
