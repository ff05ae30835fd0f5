package dev.portcullis.provider;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.UpstreamTimeoutSettings;
import dev.portcullis.common.settings.UpstreamTimeouts;

/**
 * Settings every provider verticle shares.
 *
 * @param upstreamTimeoutMs the default silence limit ({@code ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS})
 * @param connectTimeoutMs  the default connect limit ({@code PORTCULLIS_UPSTREAM_CONNECT_TIMEOUT_MS})
 * @param timeouts          each provider's connect, first-byte and idle limits
 */
public record ProviderSettings(long upstreamTimeoutMs, long connectTimeoutMs, UpstreamTimeoutSettings timeouts) {

  /** Every stage limited alike: the connect timeout, and the silence limit for both silences. */
  public ProviderSettings(long upstreamTimeoutMs, long connectTimeoutMs) {
    this(upstreamTimeoutMs, connectTimeoutMs, UpstreamTimeoutSettings.uniform(
        new UpstreamTimeouts(connectTimeoutMs, upstreamTimeoutMs, upstreamTimeoutMs)));
  }

  public static ProviderSettings from(Settings settings) {
    UpstreamTimeoutSettings timeouts = UpstreamTimeoutSettings.from(settings);
    return new ProviderSettings(Math.max(timeouts.defaults().firstByteMs(), timeouts.defaults().idleMs()),
        timeouts.defaults().connectMs(), timeouts);
  }
}
