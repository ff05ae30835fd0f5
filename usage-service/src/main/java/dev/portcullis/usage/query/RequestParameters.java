package dev.portcullis.usage.query;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A request's query parameters read strictly, from the raw query string: each name at most once,
 * only the names a call expects, percent-escapes well formed and UTF-8 ({@code +} is a space).
 * Anything else is a {@link UsageRequestException} naming what is wrong, before anything runs.
 * Empty pairs ({@code a=1&&b=2}, a trailing {@code &}) are skipped; a name without {@code =} has the
 * value {@code ""}.
 */
public final class RequestParameters {

  /** The longest raw query read at all: every usage parameter together fits in far less. */
  public static final int MAX_QUERY_CHARS = 4096;

  private final Map<String, String> values;

  private RequestParameters(Map<String, String> values) {
    this.values = values;
  }

  /**
   * The parameters of {@code rawQuery} (null or empty: none), every name one of {@code allowed}.
   *
   * @throws UsageRequestException when the query is too long, malformed, names a parameter not in
   *                               {@code allowed} or one twice
   */
  public static RequestParameters parse(String rawQuery, Set<String> allowed) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return new RequestParameters(Map.of());
    }
    if (rawQuery.length() > MAX_QUERY_CHARS) {
      throw new UsageRequestException("The query string is longer than " + MAX_QUERY_CHARS + " characters", null);
    }
    List<String[]> pairs = new ArrayList<>();
    for (String pair : rawQuery.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int equals = pair.indexOf('=');
      String name = decode(equals < 0 ? pair : pair.substring(0, equals), null);
      if (name.isEmpty()) {
        throw new UsageRequestException("A query parameter has no name", null);
      }
      pairs.add(new String[] {name, equals < 0 ? "" : pair.substring(equals + 1)});
    }
    Set<String> unknown = pairs.stream().map(p -> p[0]).filter(name -> !allowed.contains(name))
        .collect(Collectors.toCollection(TreeSet::new));
    if (!unknown.isEmpty()) {
      throw new UsageRequestException("Unknown query parameter" + (unknown.size() > 1 ? "s " : " ")
          + unknown.stream().map(UsageRequestException::shown).collect(Collectors.joining(", "))
          + "; expected " + String.join(", ", new TreeSet<>(allowed)),
          unknown.size() == 1 ? unknown.iterator().next() : null);
    }
    Map<String, String> values = new HashMap<>();
    for (String[] pair : pairs) {
      if (values.containsKey(pair[0])) {
        throw new UsageRequestException("Query parameter " + pair[0] + " is given more than once", pair[0]);
      }
      values.put(pair[0], decode(pair[1], pair[0]));
    }
    return new RequestParameters(values);
  }

  /** The decoded value of {@code name}, or null when the query does not name it. */
  public String get(String name) {
    return values.get(name);
  }

  /** Percent-decodes strictly: a malformed escape or bytes that are not UTF-8 are refused. */
  private static String decode(String text, String parameter) {
    if (text.indexOf('%') < 0 && text.indexOf('+') < 0) {
      return text;
    }
    byte[] bytes = new byte[text.length() * 3];
    int length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '+') {
        bytes[length++] = ' ';
      } else if (c == '%') {
        int high = i + 2 < text.length() ? Character.digit(text.charAt(i + 1), 16) : -1;
        int low = high >= 0 ? Character.digit(text.charAt(i + 2), 16) : -1;
        if (low < 0) {
          throw malformed(parameter);
        }
        bytes[length++] = (byte) (high * 16 + low);
        i += 2;
      } else {
        byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        if (Character.isSurrogate(c)) {
          throw malformed(parameter);
        }
        System.arraycopy(raw, 0, bytes, length, raw.length);
        length += raw.length;
      }
    }
    try {
      CharBuffer decoded = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, length));
      return decoded.toString();
    } catch (CharacterCodingException e) {
      throw malformed(parameter);
    }
  }

  private static UsageRequestException malformed(String parameter) {
    return new UsageRequestException((parameter == null ? "A query parameter's name" : "Query parameter " + parameter)
        + " has a malformed percent escape or is not UTF-8", parameter);
  }
}
