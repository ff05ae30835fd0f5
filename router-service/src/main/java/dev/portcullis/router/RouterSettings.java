package dev.portcullis.router;

import dev.portcullis.common.settings.Settings;

/**
 * Settings of the model router.
 *
 * @param modelListTtlMs how long a provider's model list is reused for the same credential
 */
public record RouterSettings(long modelListTtlMs) {

  public static final String MODEL_LIST_TTL = "PORTCULLIS_ROUTER_MODELS_CACHE_TTL_MS";

  public static RouterSettings from(Settings settings) {
    return new RouterSettings(settings.longValue(MODEL_LIST_TTL, 300_000, 0, 86_400_000));
  }
}
