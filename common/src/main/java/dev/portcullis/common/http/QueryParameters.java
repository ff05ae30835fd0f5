package dev.portcullis.common.http;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Removes parameters from a raw query string by their decoded name, the way the upstream will read
 * them: percent-escapes are decoded ({@code %6Bey} and {@code k%65y} are {@code key}), {@code +} is a
 * space, and case is ignored ({@code KEY}). Everything else in the query is kept byte for byte, in
 * its order, so the upstream sees exactly what the client sent apart from the removed parameters.
 *
 * <p>Used wherever a credential Portcullis injects must not travel next to one the client put in
 * the query (Gemini's {@code ?key=}), so a client cannot smuggle its own key or an account selector
 * past the gate by spelling its name differently.
 */
public final class QueryParameters {

  private QueryParameters() {}

  /**
   * The raw query without the parameters whose decoded name is one of {@code names} (ignoring
   * case), or {@code null} when nothing is left. {@code null} in, {@code null} out.
   */
  public static String without(String rawQuery, Collection<String> names) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return null;
    }
    Set<String> dropped = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    StringBuilder kept = new StringBuilder(rawQuery.length());
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty() || dropped.contains(decodedName(pair).toLowerCase(Locale.ROOT))) {
        continue;
      }
      if (kept.length() > 0) {
        kept.append('&');
      }
      kept.append(pair);
    }
    return kept.length() == 0 ? null : kept.toString();
  }

  /**
   * The decoded values of every parameter whose decoded name is {@code name} (ignoring case), in
   * order: what an upstream would read under that name, however the client spelled it.
   */
  public static java.util.List<String> values(String rawQuery, String name) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return java.util.List.of();
    }
    java.util.List<String> values = new java.util.ArrayList<>(1);
    for (String pair : rawQuery.split("&", -1)) {
      if (!pair.isEmpty() && decodedName(pair).equalsIgnoreCase(name)) {
        int equals = pair.indexOf('=');
        values.add(equals < 0 ? "" : decode(pair.substring(equals + 1)));
      }
    }
    return values;
  }

  /** The name of one {@code name=value} pair (or of a bare {@code name}), percent-decoded as UTF-8. */
  public static String decodedName(String pair) {
    int equals = pair.indexOf('=');
    return decode(equals < 0 ? pair : pair.substring(0, equals));
  }

  /**
   * Percent-decodes {@code text}, {@code +} as a space. A malformed escape ({@code %zz}, a lone
   * {@code %}) is kept as it is: it names nothing an upstream would read as one of ours.
   */
  static String decode(String text) {
    if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        bytes.write(' ');
      } else if (c == '%' && i + 2 < text.length() && hex(text.charAt(i + 1)) >= 0 && hex(text.charAt(i + 2)) >= 0) {
        bytes.write(hex(text.charAt(i + 1)) * 16 + hex(text.charAt(i + 2)));
        i += 2;
      } else {
        int codePoint = text.codePointAt(i);
        byte[] raw = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8);
        bytes.write(raw, 0, raw.length);
        i += Character.charCount(codePoint) - 1;
      }
    }
    return bytes.toString(StandardCharsets.UTF_8);
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }
}
