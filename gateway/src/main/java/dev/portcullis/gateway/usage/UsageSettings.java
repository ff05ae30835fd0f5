package dev.portcullis.gateway.usage;

import dev.portcullis.common.auth.AuthSecret;
import dev.portcullis.common.settings.Settings;
import java.nio.file.Path;

/**
 * The gateway's side of the usage ledger.
 *
 * @param enabled         whether every call's usage record is kept ({@code PORTCULLIS_USAGE_RECORDS}, on)
 * @param journalDir      where records wait for the ledger: {@code usage-journal} in the data directory
 * @param journalMaxBytes the most unconfirmed records the journal holds before it drops new ones
 *                        ({@code PORTCULLIS_USAGE_JOURNAL_MAX_BYTES}, 256 MB)
 * @param auditBodyBytes  at audit level {@code full}, the most bytes kept of a request and of an
 *                        answer each ({@code PORTCULLIS_AUDIT_MAX_BODY_BYTES}, 1 MB); the rest is cut
 *                        and the record says so
 */
public record UsageSettings(boolean enabled, Path journalDir, long journalMaxBytes, int auditBodyBytes) {

  public static final String ENABLED = "PORTCULLIS_USAGE_RECORDS";
  public static final String JOURNAL_MAX_BYTES = "PORTCULLIS_USAGE_JOURNAL_MAX_BYTES";
  public static final String AUDIT_MAX_BODY_BYTES = "PORTCULLIS_AUDIT_MAX_BODY_BYTES";

  public static UsageSettings from(Settings settings) {
    long auditBytes = settings.bytes(AUDIT_MAX_BODY_BYTES, 1024 * 1024);
    if (auditBytes > 64L * 1024 * 1024) {
      throw new dev.portcullis.common.settings.SettingsException(AUDIT_MAX_BODY_BYTES, "must be at most 64 MB");
    }
    return new UsageSettings(settings.bool(ENABLED, true), AuthSecret.dataDir(settings).resolve("usage-journal"),
        settings.bytes(JOURNAL_MAX_BYTES, 256L * 1024 * 1024), (int) auditBytes);
  }
}
