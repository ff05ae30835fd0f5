package dev.portcullis.common.settings;

import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.settings.UpstreamTimeouts.Stage;
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
  private static final long MAX_MS = 24L * 3600 * 1000;

  private final UpstreamTimeouts defaults;
  private final Map<String, UpstreamTimeouts> byProvider;
  /** The setting each provider's limit of each stage came from, for messages. */
  private final Map<String, String> sources;

  private UpstreamTimeoutSettings(UpstreamTimeouts defaults, Map<String, UpstreamTimeouts> byProvider,
      Map<String, String> sources) {
    this.defaults = defaults;
    this.byProvider = Map.copyOf(byProvider);
    this.sources = Map.copyOf(sources);
  }

  public static UpstreamTimeoutSettings from(Settings settings) {
    long silence = settings.longValue(UPSTREAM_TIMEOUT, 600_000, 1, MAX_MS);
    long connect = settings.longValue(Stage.CONNECT.globalSetting(), 10_000, 1, 600_000);
    long firstByte = settings.longValue(Stage.FIRST_BYTE.globalSetting(), silence, 1, MAX_MS);
    long idle = settings.longValue(Stage.IDLE.globalSetting(), silence, 1, MAX_MS);
    UpstreamTimeouts defaults = new UpstreamTimeouts(connect, firstByte, idle);
    Map<String, String> globalSources = new HashMap<>();
    globalSources.put(Stage.CONNECT.name(), Stage.CONNECT.globalSetting());
    globalSources.put(Stage.FIRST_BYTE.name(), settings.string(Stage.FIRST_BYTE.globalSetting()) != null
        ? Stage.FIRST_BYTE.globalSetting() : UPSTREAM_TIMEOUT);
    globalSources.put(Stage.IDLE.name(), settings.string(Stage.IDLE.globalSetting()) != null
        ? Stage.IDLE.globalSetting() : UPSTREAM_TIMEOUT);
    Map<String, UpstreamTimeouts> byProvider = new HashMap<>();
    Map<String, String> sources = new HashMap<>();
    for (String provider : Providers.names()) {
      long[] limits = new long[Stage.values().length];
      for (Stage stage : Stage.values()) {
        String own = stage.providerSetting(provider);
        long max = stage == Stage.CONNECT ? 600_000 : MAX_MS;
        limits[stage.ordinal()] = settings.longValue(own, defaults.of(stage), 1, max);
        sources.put(provider + "/" + stage.name(), settings.string(own) != null ? own : globalSources.get(stage.name()));
      }
      byProvider.put(provider, new UpstreamTimeouts(limits[0], limits[1], limits[2]));
    }
    return new UpstreamTimeoutSettings(defaults, byProvider, sources);
  }

  /** The same limits for every provider: for tests and for callers with one timeout of their own. */
  public static UpstreamTimeoutSettings uniform(UpstreamTimeouts timeouts) {
    return new UpstreamTimeoutSettings(timeouts, Map.of(), Map.of());
  }

  /** The limits when no provider's own setting applies. */
  public UpstreamTimeouts defaults() {
    return defaults;
  }

  /** The limits of {@code provider} (an unknown name gets the defaults). */
  public UpstreamTimeouts of(String provider) {
    UpstreamTimeouts own = provider == null ? null : byProvider.get(provider);
    return own != null ? own : defaults;
  }

  /** The longest silence any provider's call may have ({@link UpstreamTimeouts#silenceMs}): what idle client connections outlast. */
  public long longestSilenceMs() {
    long longest = defaults.silenceMs();
    for (UpstreamTimeouts timeouts : byProvider.values()) {
      longest = Math.max(longest, timeouts.silenceMs());
    }
    return longest;
  }

  /** A stage's limit in words, naming the setting that set it: {@code "120000 ms (PORTCULLIS_OLLAMA_...)"}. */
  public String describe(String provider, Stage stage, long limitMs) {
    String source = provider == null ? null : sources.get(provider + "/" + stage.name());
    if (source == null) {
      // Limits not read from settings per provider: the settings every provider shares set them.
      source = stage == Stage.CONNECT ? Stage.CONNECT.globalSetting() : UPSTREAM_TIMEOUT;
    }
    return limitMs + " ms (" + source + ")";
  }
}
