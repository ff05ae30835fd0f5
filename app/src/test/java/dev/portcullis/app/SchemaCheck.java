package dev.portcullis.app;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Checks a JSON value against a schema of an OpenAPI 3.1 document (JSON Schema 2020-12), for the
 * keywords that document uses: {@code $ref} (local), {@code type} (one or a list, {@code "null"}
 * included), {@code enum}, {@code const}, {@code required}, {@code properties},
 * {@code additionalProperties}, {@code propertyNames}, {@code min/maxProperties}, {@code items},
 * {@code min/maxItems}, {@code uniqueItems}, {@code min/maxLength}, {@code pattern},
 * {@code minimum}, {@code maximum}, {@code exclusiveMinimum}, {@code allOf}, {@code anyOf},
 * {@code oneOf} and {@code not}. {@code format} is not checked. Small on purpose: a test's
 * yardstick, not a general validator.
 */
final class SchemaCheck {

  private final JsonObject document;

  SchemaCheck(JsonObject document) {
    this.document = document;
  }

  /** What is wrong with {@code value}, one line per fault; empty when it fits. */
  List<String> problems(Object value, JsonObject schema) {
    List<String> problems = new ArrayList<>();
    check(value, schema, "$", problems);
    return problems;
  }

  JsonObject resolve(String ref) {
    if (!ref.startsWith("#/")) {
      throw new IllegalArgumentException("only local references: " + ref);
    }
    Object at = document;
    for (String part : ref.substring(2).split("/")) {
      String key = part.replace("~1", "/").replace("~0", "~");
      at = ((JsonObject) at).getValue(key);
      if (at == null) {
        throw new IllegalArgumentException("unresolved reference " + ref);
      }
    }
    return (JsonObject) at;
  }

  private void check(Object raw, JsonObject schema, String path, List<String> problems) {
    Object value = plain(raw);
    if (schema.containsKey("$ref")) {
      check(value, resolve(schema.getString("$ref")), path, problems);
    }
    Object type = schema.getValue("type");
    if (type != null) {
      List<Object> types = type instanceof JsonArray list ? list.getList() : List.of(type);
      if (types.stream().noneMatch(t -> isType(value, (String) t))) {
        problems.add(path + ": " + describe(value) + " is not of type " + type);
        return;
      }
    }
    if (schema.containsKey("const") && !same(schema.getValue("const"), value)) {
      problems.add(path + ": " + describe(value) + " is not " + schema.getValue("const"));
    }
    if (schema.containsKey("enum") && schema.getJsonArray("enum").stream().noneMatch(e -> same(e, value))) {
      problems.add(path + ": " + describe(value) + " is not one of " + schema.getJsonArray("enum"));
    }
    if (value instanceof JsonObject object) {
      checkObject(object, schema, path, problems);
    } else if (value instanceof JsonArray array) {
      checkArray(array, schema, path, problems);
    } else if (value instanceof String text) {
      if (schema.containsKey("minLength") && text.codePointCount(0, text.length()) < schema.getInteger("minLength")) {
        problems.add(path + ": shorter than " + schema.getInteger("minLength"));
      }
      if (schema.containsKey("maxLength") && text.codePointCount(0, text.length()) > schema.getInteger("maxLength")) {
        problems.add(path + ": longer than " + schema.getInteger("maxLength"));
      }
      if (schema.containsKey("pattern") && !Pattern.compile(schema.getString("pattern")).matcher(text).find()) {
        problems.add(path + ": '" + text + "' does not match " + schema.getString("pattern"));
      }
    } else if (value instanceof Number number) {
      BigDecimal n = new BigDecimal(number.toString());
      if (schema.containsKey("minimum") && n.compareTo(decimal(schema.getValue("minimum"))) < 0) {
        problems.add(path + ": " + n + " is below " + schema.getValue("minimum"));
      }
      if (schema.containsKey("exclusiveMinimum") && n.compareTo(decimal(schema.getValue("exclusiveMinimum"))) <= 0) {
        problems.add(path + ": " + n + " is not above " + schema.getValue("exclusiveMinimum"));
      }
      if (schema.containsKey("maximum") && n.compareTo(decimal(schema.getValue("maximum"))) > 0) {
        problems.add(path + ": " + n + " is above " + schema.getValue("maximum"));
      }
    }
    if (schema.containsKey("allOf")) {
      for (Object part : schema.getJsonArray("allOf")) {
        check(value, (JsonObject) part, path, problems);
      }
    }
    if (schema.containsKey("anyOf") && matching(value, schema.getJsonArray("anyOf"), path) == 0) {
      problems.add(path + ": " + describe(value) + " fits none of anyOf");
    }
    if (schema.containsKey("oneOf")) {
      int matching = matching(value, schema.getJsonArray("oneOf"), path);
      if (matching != 1) {
        List<String> why = new ArrayList<>();
        for (Object part : schema.getJsonArray("oneOf")) {
          why.add(problems(value, (JsonObject) part).toString());
        }
        problems.add(path + ": " + describe(value) + " fits " + matching + " of oneOf, not 1: " + why);
      }
    }
    if (schema.containsKey("not") && problems(value, schema.getJsonObject("not")).isEmpty()) {
      problems.add(path + ": " + describe(value) + " fits what 'not' excludes");
    }
  }

  private void checkObject(JsonObject object, JsonObject schema, String path, List<String> problems) {
    JsonArray required = schema.getJsonArray("required", new JsonArray());
    for (Object name : required) {
      if (!object.containsKey((String) name)) {
        problems.add(path + ": required property '" + name + "' is missing");
      }
    }
    if (schema.containsKey("minProperties") && object.size() < schema.getInteger("minProperties")) {
      problems.add(path + ": fewer than " + schema.getInteger("minProperties") + " properties");
    }
    if (schema.containsKey("maxProperties") && object.size() > schema.getInteger("maxProperties")) {
      problems.add(path + ": more than " + schema.getInteger("maxProperties") + " properties");
    }
    JsonObject properties = schema.getJsonObject("properties", new JsonObject());
    Object additional = schema.getValue("additionalProperties");
    for (Map.Entry<String, Object> field : object) {
      String at = path + "." + field.getKey();
      if (schema.containsKey("propertyNames")) {
        check(field.getKey(), schema.getJsonObject("propertyNames"), at + " (name)", problems);
      }
      if (properties.containsKey(field.getKey())) {
        check(field.getValue(), properties.getJsonObject(field.getKey()), at, problems);
      } else if (Boolean.FALSE.equals(additional)) {
        problems.add(at + ": not a property the schema allows");
      } else if (additional instanceof JsonObject additionalSchema) {
        check(field.getValue(), additionalSchema, at, problems);
      }
    }
  }

  private void checkArray(JsonArray array, JsonObject schema, String path, List<String> problems) {
    if (schema.containsKey("minItems") && array.size() < schema.getInteger("minItems")) {
      problems.add(path + ": fewer than " + schema.getInteger("minItems") + " items");
    }
    if (schema.containsKey("maxItems") && array.size() > schema.getInteger("maxItems")) {
      problems.add(path + ": more than " + schema.getInteger("maxItems") + " items");
    }
    if (Boolean.TRUE.equals(schema.getValue("uniqueItems")) && array.stream().distinct().count() != array.size()) {
      problems.add(path + ": items are not unique");
    }
    if (schema.containsKey("items")) {
      for (int i = 0; i < array.size(); i++) {
        check(array.getValue(i), schema.getJsonObject("items"), path + "[" + i + "]", problems);
      }
    }
  }

  private int matching(Object value, JsonArray schemas, String path) {
    int matching = 0;
    for (Object part : schemas) {
      if (problems(value, (JsonObject) part).isEmpty()) {
        matching++;
      }
    }
    return matching;
  }

  private static Object plain(Object value) {
    if (value instanceof Map<?, ?> map) {
      @SuppressWarnings("unchecked")
      Map<String, Object> fields = (Map<String, Object>) map;
      return new JsonObject(fields);
    }
    if (value instanceof List<?> list) {
      return new JsonArray(new ArrayList<>(list));
    }
    return value;
  }

  private static boolean isType(Object value, String type) {
    return switch (type) {
      case "null" -> value == null;
      case "object" -> value instanceof JsonObject;
      case "array" -> value instanceof JsonArray;
      case "string" -> value instanceof String;
      case "boolean" -> value instanceof Boolean;
      case "number" -> value instanceof Number;
      case "integer" -> value instanceof Integer || value instanceof Long || value instanceof BigInteger
          || value instanceof Short || value instanceof Byte
          || (value instanceof Number n && new BigDecimal(n.toString()).stripTrailingZeros().scale() <= 0);
      default -> throw new IllegalArgumentException("unknown type " + type);
    };
  }

  private static boolean same(Object expected, Object actual) {
    if (expected instanceof Number a && actual instanceof Number b) {
      return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString())) == 0;
    }
    return Objects.equals(expected, actual);
  }

  private static BigDecimal decimal(Object number) {
    return new BigDecimal(number.toString());
  }

  private static String describe(Object value) {
    String text = String.valueOf(value);
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }
}
