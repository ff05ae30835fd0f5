package dev.portcullis.provider;

import dev.portcullis.common.settings.Settings;

/** Settings every provider verticle shares. */
public record ProviderSettings(long upstreamTimeoutMs, long connectTimeoutMs) {

  /** How long an upstream may stay silent; 10 minutes when unset, since long answers take long. */
  public static final String UPSTREAM_TIMEOUT = "ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS";
  public static final String CONNECT_TIMEOUT = "PORTCULLIS_UPSTREAM_CONNECT_TIMEOUT_MS";

  public static ProviderSettings from(Settings settings) {
    return new ProviderSettings(
        settings.longValue(UPSTREAM_TIMEOUT, 600_000, 1, 24L * 3600 * 1000),
        settings.longValue(CONNECT_TIMEOUT, 10_000, 1, 600_000));
  }

  String describeTimeout() {
    return upstreamTimeoutMs + " ms (" + UPSTREAM_TIMEOUT + ")";
  }
}
