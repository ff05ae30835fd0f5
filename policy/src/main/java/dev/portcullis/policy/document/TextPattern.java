package dev.portcullis.policy.document;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

/**
 * A regular expression searched in a text (not anchored unless it says {@code ^} or {@code $}),
 * in RE2 syntax: RE2/J matches in time linear in the text, since the texts are tool arguments and
 * results a model or a tool wrote, that is, attacker-influenced. RE2 has no look-around and no
 * back-references. Immutable and thread-safe; equal when the text is.
 */
public final class TextPattern {

  private final String text;
  private final Pattern pattern;

  private TextPattern(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /** @throws IllegalArgumentException saying what is wrong, without quoting the expression */
  public static TextPattern of(String text) {
    if (text == null) {
      throw new IllegalArgumentException("must be a regular expression");
    }
    // Checked before compiling: nested counted repetitions would make RE2/J build a program of
    // billions of instructions.
    RegexBudget.check(text);
    try {
      return new TextPattern(text, Pattern.compile(text));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("is not a regular expression in RE2 syntax (" + e.getDescription()
          + "; RE2 has no look-around and no back-references)");
    }
  }

  /** Whether the expression matches anywhere in {@code input}. */
  public boolean find(CharSequence input) {
    return input != null && pattern.matcher(input).find();
  }

  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TextPattern p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
