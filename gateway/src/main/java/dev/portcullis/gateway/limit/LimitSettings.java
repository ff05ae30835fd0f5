package dev.portcullis.gateway.limit;

import dev.portcullis.common.settings.Settings;
import dev.portcullis.common.settings.SettingsException;

/**
 * How the gateway enforces limit rules.
 *
 * @param refuseSpendWhenUnavailable whether a call under a spend rule is refused (503) when the
 *                                   shared counters or the ledger cannot be reached
 *                                   ({@code PORTCULLIS_LIMITS_SPEND_WHEN_UNAVAILABLE}: {@code refuse},
 *                                   the default, or {@code allow})
 * @param refuseRatesWhenUnavailable the same for request, token and stream limits
 *                                   ({@code PORTCULLIS_LIMITS_RATES_WHEN_UNAVAILABLE}: {@code allow},
 *                                   the default, or {@code refuse})
 * @param defaultOutputTokens        the output a token limit reserves for a call that names no
 *                                   {@code max_tokens} ({@code PORTCULLIS_LIMITS_DEFAULT_OUTPUT_TOKENS}, 1024)
 * @param rulesPollMs                how often the gateway asks whether the rules changed, besides
 *                                   the change events ({@code PORTCULLIS_LIMITS_POLL_MS}, 1000)
 */
public record LimitSettings(boolean refuseSpendWhenUnavailable, boolean refuseRatesWhenUnavailable,
    long defaultOutputTokens, long rulesPollMs) {

  public static final String SPEND_WHEN_UNAVAILABLE = "PORTCULLIS_LIMITS_SPEND_WHEN_UNAVAILABLE";
  public static final String RATES_WHEN_UNAVAILABLE = "PORTCULLIS_LIMITS_RATES_WHEN_UNAVAILABLE";
  public static final String DEFAULT_OUTPUT_TOKENS = "PORTCULLIS_LIMITS_DEFAULT_OUTPUT_TOKENS";
  public static final String POLL_MS = "PORTCULLIS_LIMITS_POLL_MS";

  public static LimitSettings from(Settings settings) {
    return new LimitSettings(
        refuse(settings, SPEND_WHEN_UNAVAILABLE, "refuse"),
        refuse(settings, RATES_WHEN_UNAVAILABLE, "allow"),
        settings.longValue(DEFAULT_OUTPUT_TOKENS, 1024, 1, 10_000_000),
        settings.longValue(POLL_MS, 1000, 50, 60_000));
  }

  private static boolean refuse(Settings settings, String key, String fallback) {
    String value = settings.string(key, fallback);
    return switch (value) {
      case "refuse" -> true;
      case "allow" -> false;
      default -> throw new SettingsException(key, "must be 'refuse' or 'allow', not '" + value + "'");
    };
  }
}
