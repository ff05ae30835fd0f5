package dev.portcullis.common.http;

/**
 * Whether every {@code %} of a request target is followed by two hex digits. Servers check this
 * before vertx-web's router, which answers a bare "Bad Request" and logs the decoding exception as
 * an ERROR.
 */
public final class PercentEscapes {

  private PercentEscapes() {}

  public static boolean wellFormed(String target) {
    if (target == null) {
      return true;
    }
    for (int i = target.indexOf('%'); i >= 0; i = target.indexOf('%', i + 1)) {
      if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0
          || Character.digit(target.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
