package dev.portcullis.console;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether the admin port serves the console, and how long its sessions live.
 *
 * @param enabled            {@code PORTCULLIS_CONSOLE} (on by default)
 * @param idleTimeoutMs      a session unused this long is closed ({@code PORTCULLIS_CONSOLE_SESSION_IDLE_MINUTES}, 30)
 * @param maxAgeMs           a session is closed this long after sign-in, used or not
 *                           ({@code PORTCULLIS_CONSOLE_SESSION_MAX_HOURS}, 12)
 * @param plainHttpOnNetwork {@code PORTCULLIS_CONSOLE_ALLOW_PLAIN_HTTP}: serve the console over plain
 *                           HTTP on a host other than loopback (off: such a start is refused)
 */
public record ConsoleSettings(boolean enabled, long idleTimeoutMs, long maxAgeMs, boolean plainHttpOnNetwork) {

  public static final String ENABLED = "PORTCULLIS_CONSOLE";
  public static final String IDLE_MINUTES = "PORTCULLIS_CONSOLE_SESSION_IDLE_MINUTES";
  public static final String MAX_HOURS = "PORTCULLIS_CONSOLE_SESSION_MAX_HOURS";
  public static final String ALLOW_PLAIN_HTTP = "PORTCULLIS_CONSOLE_ALLOW_PLAIN_HTTP";

  private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  public static ConsoleSettings from(Settings settings) {
    return new ConsoleSettings(settings.bool(ENABLED, true),
        settings.longValue(IDLE_MINUTES, 30, 1, 24 * 60) * 60_000,
        settings.longValue(MAX_HOURS, 12, 1, 7 * 24) * 3_600_000,
        settings.bool(ALLOW_PLAIN_HTTP, false));
  }

  /**
   * Refuses to serve the console where its admin token and session cookie would cross a network in
   * clear: on a host other than loopback without TLS, unless {@link #ALLOW_PLAIN_HTTP} says that
   * is meant (a container whose port is published on the host's loopback only, say).
   */
  public void checkServedSafely(String adminHost, boolean tls) {
    if (enabled && !tls && !plainHttpOnNetwork && !isLoopback(adminHost)) {
      throw new SettingsException(ALLOW_PLAIN_HTTP, "the console would be served over plain HTTP on " + adminHost
          + ", not a loopback address: set PORTCULLIS_ADMIN_TLS_CERT_FILE and PORTCULLIS_ADMIN_TLS_KEY_FILE, or "
          + ENABLED + "=false, or " + ALLOW_PLAIN_HTTP + "=true if only a trusted proxy or the host's loopback reaches it");
    }
  }

  /** Loopback by its literal or its name; never a DNS lookup (a name could resolve anywhere). */
  static boolean isLoopback(String host) {
    String h = host.trim().toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.equals("localhost")) {
      return true;
    }
    if (!IPV4_LITERAL.matcher(h).matches() && !h.contains(":")) {
      return false;
    }
    try {
      // A literal address is parsed, not looked up.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
