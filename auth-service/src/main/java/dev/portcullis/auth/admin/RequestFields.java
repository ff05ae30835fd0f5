package dev.portcullis.auth.admin;

import dev.portcullis.auth.store.KeyMapping;
import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Typed reads of an admin request body; each refusal names the field and never echoes a secret. */
final class RequestFields {

  private static final int MAX_NAME = 200;
  private static final int MAX_SECRET = 8192;
  private static final int MAX_ID_IN_MESSAGE = 64;
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

  /**
   * A provider key a request maps, with its weight; {@code field} is where the request names it
   * (a refusal about this key names that field).
   */
  record RequestedKey(String id, int weight, String field) {}

  /** The provider keys a request maps, and the request field they came in ({@code field}). */
  record RequestedKeys(String field, List<RequestedKey> keys) {}

  /**
   * The provider keys to map, from exactly one of two fields: {@code providerKeyIds}, a list of
   * ids (each weight 1), or {@code providerKeys}, a list of {@code {"id": ..., "weight": ...}}
   * (weight an integer from {@link KeyMapping#MIN_WEIGHT} to {@link KeyMapping#MAX_WEIGHT},
   * default 1). At least one, at most {@link AdminApi#MAX_MAPPINGS}, none twice. Whether the ids exist is
   * for the caller to check.
   */
  RequestedKeys providerKeys() {
    Object ids = body.getValue("providerKeyIds");
    Object weighted = body.getValue("providerKeys");
    if (ids != null && weighted != null) {
      throw AdminRequestException.badField("providerKeys",
          "Give either providerKeyIds or providerKeys (the keys with their weights), not both");
    }
    return weighted != null ? weightedKeys(weighted) : plainKeys(ids);
  }

  private static RequestedKeys plainKeys(Object value) {
    String field = "providerKeyIds";
    if (value == null) {
      throw AdminRequestException.badField(field, field
          + " must list at least one id (or providerKeys, the keys with their weights)");
    }
    JsonArray array = boundedArray(field, value, " must be an array of ids");
    List<RequestedKey> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Object id : array) {
      if (!(id instanceof String text) || text.isBlank()) {
        throw AdminRequestException.badField(field, field + " must contain only id strings");
      }
      if (!seen.add(text)) {
        throw AdminRequestException.badField(field, field + " lists provider key " + excerpt(text)
            + " twice; each key is mapped once (providerKeys gives a key a weight)");
      }
      keys.add(new RequestedKey(text, KeyMapping.MIN_WEIGHT, field));
    }
    return new RequestedKeys(field, keys);
  }

  private static RequestedKeys weightedKeys(Object value) {
    String field = "providerKeys";
    JsonArray array = boundedArray(field, value,
        " must be an array of objects such as {\"id\": \"<provider key id>\", \"weight\": 2}");
    List<RequestedKey> keys = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < array.size(); i++) {
      String path = field + "[" + i + "]";
      if (!(array.getValue(i) instanceof JsonObject entry)) {
        throw AdminRequestException.badField(path, path + " must be an object with an id and an optional weight");
      }
      for (String name : entry.fieldNames()) {
        if (!name.equals("id") && !name.equals("weight")) {
          String unknown = path + "." + excerpt(name);
          throw AdminRequestException.badField(unknown, unknown + " is not a known field; expected id, weight");
        }
      }
      if (!(entry.getValue("id") instanceof String id) || id.isBlank()) {
        throw AdminRequestException.badField(path + ".id", path + ".id must be a provider key id (a string)");
      }
      if (!seen.add(id)) {
        throw AdminRequestException.badField(path + ".id", path + ".id names provider key " + excerpt(id)
            + " a second time; each key is mapped once");
      }
      keys.add(new RequestedKey(id, weight(entry.getValue("weight"), path + ".weight"), path + ".id"));
    }
    return new RequestedKeys(field, keys);
  }

  /** An integer literal within the weight bounds; absent or null is 1. 3.0, 1e3 and "3" are not integers. */
  private static int weight(Object value, String field) {
    if (value == null) {
      return KeyMapping.MIN_WEIGHT;
    }
    BigInteger weight = null;
    if (value instanceof BigInteger big) {
      weight = big;
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
      weight = BigInteger.valueOf(((Number) value).longValue());
    }
    if (weight == null || weight.compareTo(BigInteger.valueOf(KeyMapping.MIN_WEIGHT)) < 0
        || weight.compareTo(BigInteger.valueOf(KeyMapping.MAX_WEIGHT)) > 0) {
      throw AdminRequestException.badField(field, field + " must be an integer from " + KeyMapping.MIN_WEIGHT
          + " to " + KeyMapping.MAX_WEIGHT);
    }
    return weight.intValue();
  }

  /** A non-empty array of at most {@link AdminApi#MAX_MAPPINGS} entries, its size checked before any entry is read. */
  private static JsonArray boundedArray(String field, Object value, String expected) {
    if (!(value instanceof JsonArray array)) {
      throw AdminRequestException.badField(field, field + expected);
    }
    if (array.isEmpty()) {
      throw AdminRequestException.badField(field, field + " must list at least one provider key");
    }
    if (array.size() > AdminApi.MAX_MAPPINGS) {
      throw AdminRequestException.badField(field, field + " lists " + array.size() + " provider keys; at most "
          + AdminApi.MAX_MAPPINGS + " may be mapped");
    }
    return array;
  }

  /** An id or name as a refusal may quote it: at most {@value #MAX_ID_IN_MESSAGE} characters. */
  static String excerpt(String text) {
    return text.length() <= MAX_ID_IN_MESSAGE ? text : text.substring(0, MAX_ID_IN_MESSAGE) + "...";
  }

  boolean has(String field) {
    return body.containsKey(field);
  }

  /** The field's value as read (objects as {@link JsonObject}, arrays as {@link JsonArray}), or null. */
  Object value(String field) {
    return body.getValue(field);
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
