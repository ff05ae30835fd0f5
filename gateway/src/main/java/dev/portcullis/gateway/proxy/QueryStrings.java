package dev.portcullis.gateway.proxy;

/**
 * A query string is forwarded as sent, but parts of Portcullis decode it (the Gemini {@code ?key=}
 * lookup): one with a broken {@code %} escape is refused up front with a 400 rather than failing
 * wherever it is first decoded.
 */
final class QueryStrings {

  private QueryStrings() {}

  static boolean wellFormed(String rawQuery) {
    if (rawQuery == null) {
      return true;
    }
    for (int i = rawQuery.indexOf('%'); i >= 0; i = rawQuery.indexOf('%', i + 1)) {
      if (i + 2 >= rawQuery.length() || Character.digit(rawQuery.charAt(i + 1), 16) < 0
          || Character.digit(rawQuery.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
