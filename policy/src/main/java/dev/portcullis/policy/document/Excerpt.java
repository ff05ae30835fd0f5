package dev.portcullis.policy.document;

/**
 * Quotes a piece of input in a message: at most {@link #MAX} characters, control characters
 * shown as {@code ?}, so a refusal never echoes a large or multi-line part of what it refused.
 */
public final class Excerpt {

  public static final int MAX = 100;

  private Excerpt() {}

  public static String of(String text) {
    if (text == null) {
      return "null";
    }
    boolean cut = text.length() > MAX;
    String head = cut ? text.substring(0, MAX) : text;
    StringBuilder out = new StringBuilder(head.length() + 3);
    for (int i = 0; i < head.length(); i++) {
      char c = head.charAt(i);
      out.append(Character.isISOControl(c) ? '?' : c);
    }
    return cut ? out.append("...").toString() : out.toString();
  }
}
