package dev.portcullis.app;

import dev.portcullis.app.logging.TextLineEncoder;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.MarkerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What a person needs once Portcullis is up, logged once: where the gateway, the admin API and
 * console, and the metrics listen (as bound: scheme, host and actual port), and where the admin
 * token is kept. Only what this process runs; never the token itself. In JSON one line with the
 * fields {@code gatewayUrl}, {@code adminUrl}, {@code adminTokenFile} (or {@code adminTokenFrom}),
 * {@code metricsUrl}; in text a short block ({@link TextLineEncoder}).
 *
 * @param gatewayUrl     the gateway, or {@code null} without the gateway role
 * @param adminUrl       the admin API and console, or {@code null} without the auth role
 * @param adminTokenFile the file the admin token is kept in, or {@code null}
 * @param adminTokenFrom the setting that gives the admin token instead of a file, or {@code null}
 * @param metricsUrl     Prometheus' {@code /metrics}
 */
record StartupBanner(String gatewayUrl, String adminUrl, String adminTokenFile, String adminTokenFrom,
    String metricsUrl) {

  static final String ADMIN_TOKEN_SETTING = "PORTCULLIS_ADMIN_TOKEN";

  /**
   * @param adminTokenFile the token's file, empty when {@value #ADMIN_TOKEN_SETTING} gives it;
   *                       {@code null} without the auth role
   */
  static StartupBanner of(String gatewayHost, int gatewayPort, boolean gatewayTls, String adminHost, int adminPort,
      boolean adminTls, Optional<Path> adminTokenFile, String metricsHost, int metricsPort) {
    String gateway = gatewayPort > 0 ? url(gatewayTls ? "https" : "http", gatewayHost, gatewayPort, "") : null;
    boolean admin = adminPort > 0;
    String tokenFile = admin && adminTokenFile != null ? adminTokenFile.map(Path::toString).orElse(null) : null;
    String tokenFrom = admin && adminTokenFile != null && adminTokenFile.isEmpty() ? ADMIN_TOKEN_SETTING : null;
    return new StartupBanner(gateway, admin ? url(adminTls ? "https" : "http", adminHost, adminPort, "/") : null, tokenFile, tokenFrom,
        url("http", metricsHost, metricsPort, "/metrics"));
  }

  static String url(String scheme, String host, int port, String path) {
    String shown = host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    return scheme + "://" + shown + ":" + port + path;
  }

  /** Logs the banner under {@code message}, once. */
  void log(Logger log, String message, Object... arguments) {
    LoggingEventBuilder event = log.atInfo().addMarker(MarkerFactory.getMarker(TextLineEncoder.BANNER));
    // Only the fields this process has: absent ones are left out, not written as null.
    if (gatewayUrl != null) {
      event = event.addKeyValue("gatewayUrl", gatewayUrl);
    }
    if (adminUrl != null) {
      event = event.addKeyValue("adminUrl", adminUrl);
    }
    if (adminTokenFile != null) {
      event = event.addKeyValue("adminTokenFile", adminTokenFile);
    }
    if (adminTokenFrom != null) {
      event = event.addKeyValue("adminTokenFrom", adminTokenFrom);
    }
    event.addKeyValue("metricsUrl", metricsUrl).log(message, arguments);
  }
}
