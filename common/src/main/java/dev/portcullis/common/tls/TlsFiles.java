package dev.portcullis.common.tls;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A server's TLS certificate and key, as PEM files: the gateway's ({@code PORTCULLIS_TLS_CERT_FILE},
 * {@code PORTCULLIS_TLS_KEY_FILE}) or the admin port's ({@code PORTCULLIS_ADMIN_TLS_CERT_FILE},
 * {@code PORTCULLIS_ADMIN_TLS_KEY_FILE}). With both set the port speaks TLS only (the gateway's
 * HTTP/2 or HTTP/1.1 as ALPN picks) and reloads the pair when the files change. The pair is read and checked
 * once while the settings are read, so a missing or unreadable file stops the start with a line
 * naming its setting.
 *
 * @param certFile         the certificate chain, leaf first
 * @param keyFile          its private key (PKCS#8, PKCS#1 or SEC 1)
 * @param reloadIntervalMs how often the files are checked for a new pair
 * @param atStart          the pair as read at start
 */
public record TlsFiles(Path certFile, Path keyFile, long reloadIntervalMs, PemPair atStart) {

  public static final String CERT_FILE = "PORTCULLIS_TLS_CERT_FILE";
  public static final String KEY_FILE = "PORTCULLIS_TLS_KEY_FILE";
  public static final String ADMIN_CERT_FILE = "PORTCULLIS_ADMIN_TLS_CERT_FILE";
  public static final String ADMIN_KEY_FILE = "PORTCULLIS_ADMIN_TLS_KEY_FILE";
  public static final String RELOAD_INTERVAL = "PORTCULLIS_TLS_RELOAD_INTERVAL_MS";

  /** The gateway's pair, read and checked, or {@code null} when TLS is off (neither file set). */
  public static TlsFiles from(Settings settings) {
    return from(settings, CERT_FILE, KEY_FILE);
  }

  /** The admin port's pair (API and console), or {@code null} when it speaks plain HTTP. */
  public static TlsFiles forAdmin(Settings settings) {
    return from(settings, ADMIN_CERT_FILE, ADMIN_KEY_FILE);
  }

  private static TlsFiles from(Settings settings, String certSetting, String keySetting) {
    String cert = settings.string(certSetting);
    String key = settings.string(keySetting);
    if (cert == null && key == null) {
      return null;
    }
    if (cert == null) {
      throw new SettingsException(certSetting, "must be set when " + keySetting + " is (both or neither)");
    }
    if (key == null) {
      throw new SettingsException(keySetting, "must be set when " + certSetting + " is (both or neither)");
    }
    long interval = settings.longValue(RELOAD_INTERVAL, 10_000, 100, 86_400_000);
    Path certFile = Path.of(cert);
    Path keyFile = Path.of(key);
    try {
      return new TlsFiles(certFile, keyFile, interval, read(certFile, keyFile));
    } catch (PemPair.Unusable e) {
      throw new SettingsException(e.certificate() ? certSetting : keySetting, e.getMessage());
    }
  }

  /** Reads the pair now (blocking: never on an event loop). */
  public PemPair read() throws PemPair.Unusable {
    return read(certFile, keyFile);
  }

  private static PemPair read(Path certFile, Path keyFile) throws PemPair.Unusable {
    return PemPair.of(bytes(certFile, true), bytes(keyFile, false));
  }

  private static byte[] bytes(Path file, boolean certificate) throws PemPair.Unusable {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new PemPair.Unusable(certificate, "cannot read " + file + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
  }
}
