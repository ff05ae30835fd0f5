package dev.portcullis.auth;

import dev.portcullis.common.auth.OwnerOnlySecretFile;
import dev.portcullis.common.auth.RandomTokens;
import dev.portcullis.common.settings.Settings;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin API's bearer token: {@code PORTCULLIS_ADMIN_TOKEN}, or one generated at first start
 * and kept in {@code <data dir>/admin-token} (owner-only). Only the file's location is ever logged.
 */
final class AdminToken {

  static final String SETTING = "PORTCULLIS_ADMIN_TOKEN";
  static final String FILE_NAME = "admin-token";
  private static final Logger LOG = LoggerFactory.getLogger(AdminToken.class);

  private AdminToken() {}

  /**
   * Where the token is kept: its file, or empty when {@value #SETTING} gives it. A location only;
   * the token itself is never logged.
   */
  static Optional<Path> file(Settings settings, Path dataDir) {
    return settings.string(SETTING) != null ? Optional.empty()
        : Optional.of(dataDir.resolve(FILE_NAME).toAbsolutePath().normalize());
  }

  /** Blocking (file IO): call from a worker. */
  static String resolve(Settings settings, Path dataDir) {
    String configured = settings.string(SETTING);
    if (configured != null) {
      return configured;
    }
    Path file = file(settings, dataDir).orElseThrow();
    OwnerOnlySecretFile.Loaded loaded = OwnerOnlySecretFile.loadOrCreate(file, () -> "pc-admin-" + RandomTokens.base62(40));
    if (loaded.created()) {
      LOG.info("{} is not set: generated an admin token, readable by its owner only, in {}", SETTING, file);
    }
    return loaded.secret();
  }
}
