package dev.portcullis.common.auth;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import java.nio.file.Path;

/**
 * The secret from which auth-service derives the at-rest encryption key (provider keys, signing
 * keys) and the virtual-key checksum key: {@code ARCHESTRA_AUTH_SECRET}. Only auth-service reads
 * it; gateways never do.
 *
 * <p>Only the embedded single-process default (not clustered, no {@code ARCHESTRA_DATABASE_URL})
 * may run without one: a random secret is then generated once and kept in the data directory
 * ({@code PORTCULLIS_DATA_DIR}/auth-secret, 0600). Everywhere else it must be set. A configured
 * secret is refused in every mode when it is shorter than {@value #MIN_LENGTH} characters or
 * appears in Portcullis's own files (compose's example, old test fixtures: {@link KnownSecrets}).
 */
public final class AuthSecret {

  public static final String SETTING = "ARCHESTRA_AUTH_SECRET";
  public static final String DATA_DIR_SETTING = "PORTCULLIS_DATA_DIR";
  public static final String DATABASE_URL_SETTING = "ARCHESTRA_DATABASE_URL";
  public static final String DEFAULT_DATA_DIR = "./data";
  public static final String FILE_NAME = "auth-secret";
  public static final int MIN_LENGTH = 32;
  private static final String HOW_TO = "generate one with: openssl rand -base64 48";

  private AuthSecret() {}

  public static Path dataDir(Settings settings) {
    return Path.of(settings.string(DATA_DIR_SETTING, DEFAULT_DATA_DIR));
  }

  /**
   * Checks the setting without touching any file (call it first, so a bad secret stops the
   * process before anything starts): the configured secret, or {@code null} when none is set and
   * the embedded default may generate one. Never echoes the value.
   */
  public static String check(Settings settings, boolean clustered) {
    String secret = settings.string(SETTING);
    if (secret == null) {
      if (clustered || settings.string(DATABASE_URL_SETTING) != null) {
        throw new SettingsException(SETTING, "is required when clustered or when " + DATABASE_URL_SETTING
            + " is set (every auth-service instance must derive the same keys); " + HOW_TO);
      }
      return null;
    }
    if (secret.length() < MIN_LENGTH) {
      throw new SettingsException(SETTING, "must be at least " + MIN_LENGTH + " characters long; " + HOW_TO);
    }
    if (KnownSecrets.contains(secret)) {
      throw new SettingsException(SETTING, "is an example value published in Portcullis's own files; " + HOW_TO);
    }
    return secret;
  }

  /** The checked configured secret, else the one kept in the data directory (created on first use). Blocking. */
  public static String resolve(Settings settings, boolean clustered) {
    String configured = check(settings, clustered);
    if (configured != null) {
      return configured;
    }
    return OwnerOnlySecretFile.loadOrCreate(dataDir(settings).resolve(FILE_NAME), () -> RandomTokens.base62(48))
        .secret();
  }
}
