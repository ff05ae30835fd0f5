package dev.portcullis.common.settings;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed, validated reads of the merged configuration. Keys are the setting names themselves
 * ({@code ARCHESTRA_OPENAI_BASE_URL}, {@code PORTCULLIS_PORT}), the same in {@code default.yaml},
 * in a {@code --config} file and in the environment. A bad value throws a {@link SettingsException}
 * naming the setting; values are never echoed for settings that may hold secrets.
 */
public final class Settings {

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b?|b)?", Pattern.CASE_INSENSITIVE);

  private final JsonObject config;

  public Settings(JsonObject config) {
    this.config = config;
  }

  public JsonObject json() {
    return config;
  }

  /** The raw value as a trimmed string, or {@code null} when unset or blank. */
  public String string(String key) {
    Object value = config.getValue(key);
    if (value == null) {
      return null;
    }
    String text = String.valueOf(value).trim();
    return text.isEmpty() ? null : text;
  }

  public String string(String key, String fallback) {
    String value = string(key);
    return value == null ? fallback : value;
  }

  public boolean bool(String key, boolean fallback) {
    String value = string(key);
    if (value == null) {
      return fallback;
    }
    switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1", "yes", "on":
        return true;
      case "false", "0", "no", "off":
        return false;
      default:
        throw new SettingsException(key, "expected true or false, got '" + value + "'");
    }
  }

  public long longValue(String key, long fallback, long min, long max) {
    String value = string(key);
    if (value == null) {
      return fallback;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new SettingsException(key, "expected a whole number, got '" + value + "'");
    }
    if (parsed < min || parsed > max) {
      throw new SettingsException(key, "must be between " + min + " and " + max + ", got " + parsed);
    }
    return parsed;
  }

  public int port(String key, int fallback) {
    return (int) longValue(key, fallback, 0, 65535);
  }

  /** A size in bytes: a plain number of bytes, or with a unit such as {@code 512kb}, {@code 50MB}, {@code 1gb}. */
  public long bytes(String key, long fallback) {
    String value = string(key);
    if (value == null) {
      return fallback;
    }
    Matcher m = SIZE.matcher(value);
    if (!m.matches()) {
      throw new SettingsException(key, "expected a size such as 52428800, 512kb or 50mb, got '" + value + "'");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long factor = switch (unit.charAt(0)) {
      case 'k' -> 1024L;
      case 'm' -> 1024L * 1024;
      case 'g' -> 1024L * 1024 * 1024;
      default -> 1L;
    };
    long bytes = number * factor;
    if (bytes <= 0) {
      throw new SettingsException(key, "must be greater than zero");
    }
    return bytes;
  }

  /**
   * An absolute http(s) URL, without a trailing slash; its path prefix is kept
   * ({@code https://host/openai/v1} stays so).
   */
  public String url(String key, String fallback) {
    String value = string(key, fallback);
    if (value == null) {
      return null;
    }
    return checkUrl(key, value);
  }

  public static String checkUrl(String key, String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new SettingsException(key, "not a valid URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new SettingsException(key, "expected an http:// or https:// URL, got '" + value + "'");
    }
    if (uri.getHost() == null) {
      throw new SettingsException(key, "the URL has no host: '" + value + "'");
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new SettingsException(key, "a base URL takes no query or fragment: '" + value + "'");
    }
    String text = value;
    while (text.endsWith("/")) {
      text = text.substring(0, text.length() - 1);
    }
    return text;
  }

  /** A comma-separated list, trimmed, without empty entries. */
  public List<String> list(String key) {
    String value = string(key);
    if (value == null) {
      return List.of();
    }
    return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }
}
