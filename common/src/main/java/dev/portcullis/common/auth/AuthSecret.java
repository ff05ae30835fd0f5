package dev.portcullis.common.auth;

import dev.portcullis.common.config.ConfigException;
import dev.portcullis.common.config.Settings;
import java.nio.file.Path;

/**
 * The secret from which the at-rest encryption key and the token signing key are derived:
 * {@code ARCHESTRA_AUTH_SECRET}, or, when it is unset on a single machine, a random secret
 * generated once and kept in the data directory ({@code PORTCULLIS_DATA_DIR}/auth-secret), which
 * auth-service and the gateway of that machine both read.
 */
public final class AuthSecret {

  public static final String SETTING = "ARCHESTRA_AUTH_SECRET";
  public static final String DATA_DIR_SETTING = "PORTCULLIS_DATA_DIR";
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final String FILE_NAME = "auth-secret";
  static final int MIN_LENGTH = 16;

  private AuthSecret() {}

  public static Path dataDir(Settings settings) {
    return Path.of(settings.string(DATA_DIR_SETTING, DEFAULT_DATA_DIR));
  }

  /** The configured secret, or {@code null} when unset. Checked for length, never echoed. */
  public static String configured(Settings settings) {
    String secret = settings.string(SETTING);
    if (secret != null && secret.length() < MIN_LENGTH) {
      throw new ConfigException(SETTING, "must be at least " + MIN_LENGTH + " characters long");
    }
    return secret;
  }

  /** The configured secret, else the one kept in the data directory (created on first use). Blocking. */
  public static String resolve(Settings settings) {
    String configured = configured(settings);
    if (configured != null) {
      return configured;
    }
    return OwnerOnlySecretFile.loadOrCreate(dataDir(settings).resolve(FILE_NAME), () -> RandomTokens.base62(48))
        .secret();
  }
}
