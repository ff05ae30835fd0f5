package dev.portcullis.auth.admin;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Typed reads of an admin request body; each refusal names the field and never echoes a secret. */
final class RequestFields {

  private static final int MAX_NAME = 200;
  private static final int MAX_SECRET = 8192;
  private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

  private final JsonObject body;

  RequestFields(JsonObject body) {
    this.body = body;
  }

  String name() {
    String name = requiredString("name");
    if (name.length() > MAX_NAME) {
      throw AdminRequestException.badField("name", "name must be at most " + MAX_NAME + " characters");
    }
    return name;
  }

  String requiredString(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw AdminRequestException.badField(field, field + " is required");
    }
    return value;
  }

  /** A non-blank string, or null when absent or null. */
  String optionalString(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return null;
    }
    if (!(value instanceof String text)) {
      throw AdminRequestException.badField(field, field + " must be a string");
    }
    if (text.isBlank()) {
      throw AdminRequestException.badField(field, field + " must not be blank");
    }
    return text.trim();
  }

  String optionalSecret(String field) {
    String value = optionalString(field);
    if (value != null && value.length() > MAX_SECRET) {
      throw AdminRequestException.badField(field, field + " must be at most " + MAX_SECRET + " characters");
    }
    return value;
  }

  String optionalUrl(String field) {
    String value = optionalString(field);
    if (value == null) {
      return null;
    }
    try {
      return Settings.checkUrl(field, value);
    } catch (SettingsException e) {
      throw AdminRequestException.badField(field, e.getMessage());
    }
  }

  Map<String, String> optionalHeaders(String field) {
    Object value = body.getValue(field);
    if (value == null) {
      return Map.of();
    }
    if (!(value instanceof JsonObject headers)) {
      throw AdminRequestException.badField(field, field + " must be an object of header names to string values");
    }
    Map<String, String> result = new LinkedHashMap<>();
    for (Map.Entry<String, Object> header : headers) {
      if (!HEADER_NAME.matcher(header.getKey()).matches()) {
        throw AdminRequestException.badField(field, field + " has a name that is not a valid HTTP header name");
      }
      if (!(header.getValue() instanceof String text) || text.indexOf('\r') >= 0 || text.indexOf('\n') >= 0) {
        throw AdminRequestException.badField(field, field + "." + header.getKey() + " must be a one-line string");
      }
      result.put(header.getKey(), text);
    }
    return result;
  }

  /** A list of ids; {@code required} refuses an absent or empty list. */
  List<String> ids(String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null) {
      if (required) {
        throw AdminRequestException.badField(field, field + " must list at least one id");
      }
      return List.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw AdminRequestException.badField(field, field + " must be an array of ids");
    }
    List<String> ids = new ArrayList<>();
    for (Object id : array) {
      if (!(id instanceof String text) || text.isBlank()) {
        throw AdminRequestException.badField(field, field + " must contain only id strings");
      }
      if (!ids.contains(text)) {
        ids.add(text);
      }
    }
    if (required && ids.isEmpty()) {
      throw AdminRequestException.badField(field, field + " must list at least one id");
    }
    return ids;
  }

  boolean has(String field) {
    return body.containsKey(field);
  }

  /** An ISO-8601 instant ({@code 2026-12-31T23:59:59Z}) in the future, as epoch millis; null when null. */
  Long futureInstant(String field, long nowMillis) {
    String value = optionalString(field);
    if (value == null) {
      return null;
    }
    long millis;
    try {
      millis = Instant.parse(value).toEpochMilli();
    } catch (DateTimeParseException e) {
      throw AdminRequestException.badField(field, field + " must be an ISO-8601 instant such as 2026-12-31T23:59:59Z");
    }
    if (millis <= nowMillis) {
      throw AdminRequestException.badField(field, field + " must be in the future");
    }
    return millis;
  }
}
