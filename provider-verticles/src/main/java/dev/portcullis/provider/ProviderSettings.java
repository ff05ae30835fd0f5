package dev.portcullis.provider;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.UpstreamTimeoutSettings;
import dev.portcullis.common.settings.UpstreamTimeouts;

/**
 * Settings every provider verticle shares.
 *
 * @param timeouts each provider's connect, first-byte and idle limits
 */
public record ProviderSettings(UpstreamTimeoutSettings timeouts) {

  /** Every stage limited alike: the connect timeout, and the silence limit for both silences. */
  public ProviderSettings(long upstreamTimeoutMs, long connectTimeoutMs) {
    this(UpstreamTimeoutSettings.uniform(new UpstreamTimeouts(connectTimeoutMs, upstreamTimeoutMs, upstreamTimeoutMs)));
  }

  public static ProviderSettings from(Settings settings) {
    return new ProviderSettings(UpstreamTimeoutSettings.from(settings));
  }

  /** The connect limit when no provider's own applies (the upstream client's default). */
  public long connectTimeoutMs() {
    return timeouts.defaults().connectMs();
  }
}
