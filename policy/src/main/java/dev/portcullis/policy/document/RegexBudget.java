package dev.portcullis.policy.document;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * An upper bound on the size of the program a regular expression compiles to, checked before it
 * is compiled. RE2/J matches in linear time but expands counted repetitions when it compiles:
 * {@code ((a{1000}){1000}){1000}} would need a billion instructions and exhaust the heap. Each
 * atom counts 1, a group the sum of its parts, {@code {n,m}} multiplies what it repeats by its
 * largest count; well above any real rule, far below harm.
 */
final class RegexBudget {

  static final long MAX_SIZE = 100_000;

  private RegexBudget() {}

  /** @throws IllegalArgumentException when the expression could expand past {@link #MAX_SIZE} */
  static void check(String regex) {
    if (estimate(regex) > MAX_SIZE) {
      throw new IllegalArgumentException("repeats too much: its counted repetitions ({n,m}) expand to more than "
          + MAX_SIZE + " steps");
    }
  }

  /** The estimated size, saturating just above the budget. */
  static long estimate(String regex) {
    Deque<Frame> open = new ArrayDeque<>();
    Frame frame = new Frame();
    int i = 0;
    int n = regex.length();
    while (i < n) {
      char c = regex.charAt(i);
      switch (c) {
        case '\\' -> {
          int end = escapeEnd(regex, i);
          frame.atom(c == '\\' && i + 1 < n && regex.charAt(i + 1) == 'Q' ? Math.max(1, end - i - 4) : 1);
          i = end;
        }
        case '[' -> {
          frame.atom(1);
          i = classEnd(regex, i);
        }
        case '(' -> {
          open.push(frame);
          frame = new Frame();
          i++;
        }
        case ')' -> {
          long group = frame.total();
          frame = open.isEmpty() ? new Frame() : open.pop();
          frame.atom(group);
          i++;
        }
        case '|' -> {
          frame.alternative();
          i++;
        }
        case '{' -> {
          int close = regex.indexOf('}', i);
          long count = close < 0 ? -1 : repeatCount(regex.substring(i + 1, close));
          if (count < 0) {
            frame.atom(1);
            i++;
          } else {
            frame.repeat(count);
            i = close + 1;
          }
        }
        case '*', '+', '?' -> i++;
        default -> {
          frame.atom(1);
          i++;
        }
      }
    }
    long total = frame.total();
    while (!open.isEmpty()) {
      Frame outer = open.pop();
      outer.atom(total);
      total = outer.total();
    }
    return total;
  }

  /** The largest count of {@code n}, {@code n,} or {@code n,m}; -1 when it is no repetition (then RE2 reads a literal). */
  private static long repeatCount(String inside) {
    if (!inside.matches("\\d{1,9}(,\\d{0,9})?")) {
      return -1;
    }
    int comma = inside.indexOf(',');
    if (comma < 0) {
      return Long.parseLong(inside);
    }
    String max = inside.substring(comma + 1);
    return max.isEmpty() ? Long.parseLong(inside.substring(0, comma)) + 1 : Long.parseLong(max);
  }

  /** Just past an escape: {@code \d}, {@code \p{Greek}}, {@code \x{41}}, {@code \Q...\E}. */
  private static int escapeEnd(String regex, int at) {
    if (at + 1 >= regex.length()) {
      return regex.length();
    }
    char kind = regex.charAt(at + 1);
    if (kind == 'Q') {
      int end = regex.indexOf("\\E", at + 2);
      return end < 0 ? regex.length() : end + 2;
    }
    if ((kind == 'p' || kind == 'P' || kind == 'x') && at + 2 < regex.length() && regex.charAt(at + 2) == '{') {
      int close = regex.indexOf('}', at + 2);
      return close < 0 ? regex.length() : close + 1;
    }
    return at + 2;
  }

  /** Just past a character class; a leading {@code ]} is literal, {@code [:alpha:]} is one item. */
  private static int classEnd(String regex, int at) {
    int i = at + 1;
    if (i < regex.length() && regex.charAt(i) == '^') {
      i++;
    }
    if (i < regex.length() && regex.charAt(i) == ']') {
      i++;
    }
    while (i < regex.length()) {
      char c = regex.charAt(i);
      if (c == '\\') {
        i = escapeEnd(regex, i);
      } else if (c == '[' && regex.startsWith("[:", i)) {
        int close = regex.indexOf(":]", i + 2);
        i = close < 0 ? i + 1 : close + 2;
      } else if (c == ']') {
        return i + 1;
      } else {
        i++;
      }
    }
    return regex.length();
  }

  /** One level of grouping: the alternatives so far, the sequence so far, and its last atom. */
  private static final class Frame {
    private long alternatives;
    private long sequence;
    private long last;

    void atom(long weight) {
      sequence = add(sequence, last);
      last = weight;
    }

    void repeat(long count) {
      last = Math.min(MAX_SIZE + 1, last * Math.max(1, count));
    }

    void alternative() {
      alternatives = add(alternatives, add(sequence, last));
      sequence = 0;
      last = 0;
    }

    long total() {
      return add(alternatives, add(sequence, last));
    }

    private static long add(long a, long b) {
      return Math.min(MAX_SIZE + 1, a + b);
    }
  }
}
