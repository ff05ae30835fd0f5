package dev.portcullis.policy.document;

import com.google.re2j.Pattern;

/**
 * A tool name or a glob of tool names: {@code *} stands for any run of characters, {@code ?} for
 * one; everything else is literal and case-sensitive, and the glob must match the whole name
 * ({@code send_*} matches {@code send_email}, not {@code resend_email}). Brackets, braces and
 * backslashes are refused rather than taken literally, since they read as glob syntax this glob
 * does not have. Immutable; equal when the text is.
 */
public final class ToolGlob {

  private final String text;
  /** Null for a glob without wildcards, which is compared as a string. */
  private final Pattern pattern;

  private ToolGlob(String text, Pattern pattern) {
    this.text = text;
    this.pattern = pattern;
  }

  /** @throws IllegalArgumentException saying what a glob may hold */
  public static ToolGlob of(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("must be a tool name or a glob such as send_*");
    }
    StringBuilder regex = new StringBuilder("(?s)");
    StringBuilder literal = new StringBuilder();
    boolean wild = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isISOControl(c) || Character.isWhitespace(c)) {
        throw new IllegalArgumentException("must not hold spaces or control characters");
      }
      if ("[]{}\\".indexOf(c) >= 0) {
        throw new IllegalArgumentException("only * and ? are wildcards; '" + c + "' is not allowed in a tool glob");
      }
      if (c == '*' || c == '?') {
        wild = true;
        if (literal.length() > 0) {
          regex.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        regex.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      regex.append(Pattern.quote(literal.toString()));
    }
    // RE2/J: linear in the name's length whatever the glob, unlike a backtracking glob matcher.
    return new ToolGlob(text, wild ? Pattern.compile(regex.toString()) : null);
  }

  /** Whether the whole of {@code name} matches. */
  public boolean matches(String name) {
    if (name == null) {
      return false;
    }
    return pattern == null ? text.equals(name) : pattern.matches(name);
  }

  public String text() {
    return text;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ToolGlob glob && glob.text.equals(text);
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
