package dev.portcullis.common.limit;

/**
 * {@code provider:model} globs of limit rules: {@code *} matches any run of characters (none
 * too), {@code ?} exactly one, everything else itself. Matched without building a pattern, in time
 * linear in the model's length for the globs people write.
 */
public final class ModelGlob {

  private ModelGlob() {}

  public static boolean matches(String glob, String text) {
    int g = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < text.length()) {
      if (g < glob.length() && (glob.charAt(g) == '?' || glob.charAt(g) == text.charAt(t))) {
        g++;
        t++;
      } else if (g < glob.length() && glob.charAt(g) == '*') {
        star = g++;
        resume = t;
      } else if (star >= 0) {
        g = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (g < glob.length() && glob.charAt(g) == '*') {
      g++;
    }
    return g == glob.length();
  }
}
