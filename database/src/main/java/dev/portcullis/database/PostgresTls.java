package dev.portcullis.database;

import java.util.Locale;
import java.util.Optional;

/**
 * Whether a PostgreSQL URL asks for an encrypted connection. Without {@code sslmode}, or with
 * {@code disable}, {@code allow} or {@code prefer}, provider keys (sealed, but still) and every
 * virtual-key lookup may cross the network in the clear or to an impostor, so auth-service warns
 * at start. The warning names the setting and the mode, never the URL (it holds a password).
 */
public final class PostgresTls {

  private PostgresTls() {}

  /** The warning to log for this URL, or empty when it requires TLS ({@code require}, {@code verify-ca}, {@code verify-full}). */
  public static Optional<String> warning(String databaseUrl) {
    String mode = sslMode(databaseUrl);
    if (mode == null) {
      return Optional.of(Database.DATABASE_URL_SETTING + " sets no sslmode: the connection to PostgreSQL may be "
          + "unencrypted and its server unverified; add ?sslmode=verify-full (or require)");
    }
    return switch (mode) {
      case "require", "verify-ca", "verify-full" -> Optional.empty();
      default -> Optional.of(Database.DATABASE_URL_SETTING + " has sslmode=" + (mode.matches("[a-z-]{1,20}") ? mode : "?")
          + ": the connection to PostgreSQL may be unencrypted and its server unverified; use sslmode=verify-full "
          + "(or require)");
    };
  }

  /** The last {@code sslmode} query parameter, lower-cased, or {@code null}. */
  static String sslMode(String databaseUrl) {
    int query = databaseUrl.indexOf('?');
    if (query < 0) {
      return null;
    }
    String mode = null;
    for (String pair : databaseUrl.substring(query + 1).split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0 && pair.substring(0, equals).trim().equalsIgnoreCase("sslmode")) {
        mode = pair.substring(equals + 1).trim().toLowerCase(Locale.ROOT);
      }
    }
    return mode;
  }
}
