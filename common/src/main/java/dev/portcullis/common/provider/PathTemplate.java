package dev.portcullis.common.provider;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A route path such as {@code /chat/completions}, {@code /model/{modelId}/converse} or
 * {@code /v1beta/models/{model}:generateContent}. A {@code {name}} stands for exactly one path
 * segment (still percent-encoded, so an ARN's {@code %2F} stays inside its segment), optionally
 * followed by a literal suffix in the same segment.
 */
public final class PathTemplate {

  private final String text;
  private final String[] segments;

  public PathTemplate(String text) {
    this.text = text;
    this.segments = text.substring(1).split("/", -1);
  }

  public String text() {
    return text;
  }

  /** The captured parameters, or {@code null} when the path does not match. */
  public Map<String, String> match(String path) {
    String[] parts = path.substring(1).split("/", -1);
    if (parts.length != segments.length) {
      return null;
    }
    Map<String, String> params = null;
    for (int i = 0; i < segments.length; i++) {
      String segment = segments[i];
      String part = parts[i];
      if (segment.startsWith("{")) {
        int close = segment.indexOf('}');
        String suffix = segment.substring(close + 1);
        if (!part.endsWith(suffix) || part.length() == suffix.length()) {
          return null;
        }
        if (params == null) {
          params = new LinkedHashMap<>();
        }
        params.put(segment.substring(1, close), part.substring(0, part.length() - suffix.length()));
      } else if (!segment.equals(part)) {
        return null;
      }
    }
    return params == null ? Map.of() : params;
  }
}
