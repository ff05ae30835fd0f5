package dev.portcullis.common.settings;

import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.UpstreamTimeouts.Stage;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The upstream timeouts of every provider, as set: each stage's limit from the provider's own
 * setting ({@code PORTCULLIS_OLLAMA_FIRST_BYTE_TIMEOUT_MS}), else the setting for all providers
 * ({@code PORTCULLIS_UPSTREAM_FIRST_BYTE_TIMEOUT_MS}), else the default: 10 s to connect, and for the
 * first byte and for silence mid-answer {@code ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS} (10 minutes
 * when unset). Read and checked once, at start-up; immutable.
 */
public final class UpstreamTimeoutSettings {

  /** How long an upstream may stay silent, for both silences unless they are set apart. */
  public static final String UPSTREAM_TIMEOUT = "ARCHESTRA_LLM_PROXY_UPSTREAM_TIMEOUT_MS";

  /** One stage's limit and the setting it came from (named in errors). */
  private record Limit(long ms, String source) {}

  private final Map<Stage, Limit> defaults;
  private final Map<String, Map<Stage, Limit>> byProvider;
  private final UpstreamTimeouts defaultTimeouts;
  private final Map<String, UpstreamTimeouts> timeoutsByProvider = new HashMap<>();

  private UpstreamTimeoutSettings(Map<Stage, Limit> defaults, Map<String, Map<Stage, Limit>> byProvider) {
    this.defaults = defaults;
    this.byProvider = byProvider;
    this.defaultTimeouts = timeouts(defaults);
    byProvider.forEach((provider, limits) -> timeoutsByProvider.put(provider, timeouts(limits)));
  }

  public static UpstreamTimeoutSettings from(Settings settings) {
    long silence = settings.longValue(UPSTREAM_TIMEOUT, 600_000, 1, Stage.IDLE.maxMs());
    Map<Stage, Limit> defaults = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      Limit unset = stage == Stage.CONNECT ? new Limit(10_000, stage.globalSetting()) : new Limit(silence, UPSTREAM_TIMEOUT);
      defaults.put(stage, read(settings, stage, stage.globalSetting(), unset));
    }
    Map<String, Map<Stage, Limit>> byProvider = new HashMap<>();
    for (String provider : Providers.names()) {
      Map<Stage, Limit> limits = new EnumMap<>(Stage.class);
      for (Stage stage : Stage.values()) {
        limits.put(stage, read(settings, stage, stage.providerSetting(provider), defaults.get(stage)));
      }
      byProvider.put(provider, limits);
    }
    return new UpstreamTimeoutSettings(defaults, byProvider);
  }

  /**
   * The same limits for every provider: for tests and for callers with one timeout of their own.
   * Errors name the settings every provider shares.
   */
  public static UpstreamTimeoutSettings uniform(UpstreamTimeouts timeouts) {
    Map<Stage, Limit> defaults = new EnumMap<>(Stage.class);
    for (Stage stage : Stage.values()) {
      defaults.put(stage, new Limit(timeouts.of(stage), stage == Stage.CONNECT ? stage.globalSetting() : UPSTREAM_TIMEOUT));
    }
    return new UpstreamTimeoutSettings(defaults, Map.of());
  }

  private static Limit read(Settings settings, Stage stage, String key, Limit unset) {
    return settings.string(key) == null ? unset : new Limit(settings.longValue(key, unset.ms(), 1, stage.maxMs()), key);
  }

  private static UpstreamTimeouts timeouts(Map<Stage, Limit> limits) {
    return new UpstreamTimeouts(limits.get(Stage.CONNECT).ms(), limits.get(Stage.FIRST_BYTE).ms(),
        limits.get(Stage.IDLE).ms());
  }

  /** The limits when no provider's own setting applies. */
  public UpstreamTimeouts defaults() {
    return defaultTimeouts;
  }

  /** The limits of {@code provider} (an unknown name gets the defaults). */
  public UpstreamTimeouts of(String provider) {
    UpstreamTimeouts own = provider == null ? null : timeoutsByProvider.get(provider);
    return own != null ? own : defaultTimeouts;
  }

  /** The longest silence any provider's call may have ({@link UpstreamTimeouts#silenceMs}): what idle client connections outlast. */
  public long longestSilenceMs() {
    long longest = defaultTimeouts.silenceMs();
    for (UpstreamTimeouts timeouts : timeoutsByProvider.values()) {
      longest = Math.max(longest, timeouts.silenceMs());
    }
    return longest;
  }

  /** A stage's limit in words, naming the setting that set it: {@code "120000 ms (PORTCULLIS_OLLAMA_...)"}. */
  public String describe(String provider, Stage stage, long limitMs) {
    Map<Stage, Limit> limits = provider == null ? null : byProvider.get(provider);
    return limitMs + " ms (" + (limits != null ? limits : defaults).get(stage).source() + ")";
  }
}
