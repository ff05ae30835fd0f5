package dev.portcullis.gateway;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.UpstreamTimeoutSettings;
import dev.portcullis.common.http.ServerLimits;
import dev.portcullis.common.tls.TlsFiles;

/**
 * Settings of the gateway edge.
 *
 * @param host              the interface to listen on
 * @param port              the port of the gateway (9000)
 * @param bodyLimitBytes    the largest request body accepted ({@code ARCHESTRA_API_BODY_LIMIT}, 50 MB)
 * @param upstreamTimeoutMs how long an upstream may stay silent ({@code ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS})
 * @param streamWindow      DATA frames a provider may send ahead of the client (stream credit)
 * @param drainTimeoutMs    how long a stopping gateway lets in-flight calls and streams finish
 * @param maxBufferedRequestBytes request-body bytes all gateway instances may hold at once
 *                          ({@code PORTCULLIS_MAX_BUFFERED_REQUEST_BYTES}, a quarter of the heap)
 * @param limits            header timeout, keep-alive timeout and header limits of the server
 * @param tls               the certificate and key to serve TLS with, or {@code null} for cleartext
 * @param upstreamTimeouts  each provider's connect, first-byte and idle timeouts
 */
public record GatewaySettings(String host, int port, long bodyLimitBytes, long upstreamTimeoutMs, int streamWindow,
    long drainTimeoutMs, long maxBufferedRequestBytes, ServerLimits limits, TlsFiles tls,
    UpstreamTimeoutSettings upstreamTimeouts) {

  public static final String PORT = "PORTCULLIS_PORT";
  public static final String HOST = "PORTCULLIS_HOST";
  public static final String BODY_LIMIT = "ARCHESTRA_API_BODY_LIMIT";
  public static final String UPSTREAM_TIMEOUT = UpstreamTimeoutSettings.UPSTREAM_TIMEOUT;
  public static final String STREAM_WINDOW = "PORTCULLIS_STREAM_WINDOW";
  public static final String DRAIN_TIMEOUT = "PORTCULLIS_DRAIN_TIMEOUT_MS";
  public static final String MAX_BUFFERED_REQUEST_BYTES = "PORTCULLIS_MAX_BUFFERED_REQUEST_BYTES";

  public static GatewaySettings from(Settings settings) {
    long bodyLimit = settings.bytes(BODY_LIMIT, 50L * 1024 * 1024);
    if (bodyLimit > Integer.MAX_VALUE) {
      throw new dev.portcullis.common.settings.SettingsException(BODY_LIMIT, "must be below 2 GB");
    }
    return new GatewaySettings(
        settings.string(HOST, "0.0.0.0"),
        settings.port(PORT, 9000),
        bodyLimit,
        settings.longValue(UPSTREAM_TIMEOUT, 600_000, 1, 24L * 3600 * 1000),
        (int) settings.longValue(STREAM_WINDOW, 32, 2, 4096),
        settings.longValue(DRAIN_TIMEOUT, 30_000, 0, 3_600_000),
        settings.bytes(MAX_BUFFERED_REQUEST_BYTES, Runtime.getRuntime().maxMemory() / 4),
        ServerLimits.from(settings),
        TlsFiles.from(settings),
        UpstreamTimeoutSettings.from(settings));
  }
}
