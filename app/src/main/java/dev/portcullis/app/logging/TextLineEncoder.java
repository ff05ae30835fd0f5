package dev.portcullis.app.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Log lines for a person at a terminal:
 * {@code 2026-12-03 04:05:06.789 INFO  Portcullis  message  key=value ...}, local time, then the
 * logger's short name, the message and the event's key-value pairs. An access line (logger
 * {@value #ACCESS_LOGGER}) shows only the fields that matter to a reader, in a fixed order; the
 * JSON form keeps them all. An event marked {@value #BANNER} shows its pairs one per line under
 * the message, aligned. A stack trace follows its line, as Java prints it.
 *
 * <p>Every control character a message, value or exception message contains (a line break, an
 * escape sequence a client could have put in a path) is written escaped ({@code \n},
 * {@code \u001b}), so a line can neither be split nor drive the terminal.
 */
public final class TextLineEncoder extends EncoderBase<ILoggingEvent> {

  public static final String ACCESS_LOGGER = "portcullis.access";
  /** The marker of an event shown as a block: its message, then one pair per line. */
  public static final String BANNER = "portcullis.banner";
  /** The access-line fields shown, in this order (the others are in the JSON form only). */
  static final List<String> ACCESS_FIELDS = List.of("method", "path", "status", "durationMs", "provider", "model",
      "inputTokens", "outputTokens", "outcome", "requestId");
  /** The outcome of a call that went as it should: not worth a field on every line. */
  private static final String USUAL_OUTCOME = "completed";
  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final int MAX_CAUSES = 20;

  private final ZoneId zone;
  /** The last second formatted (the writer thread formats many lines within one). */
  private volatile Second lastSecond = new Second(Long.MIN_VALUE, "");

  private record Second(long epochSecond, String text) {}

  public TextLineEncoder() {
    this(ZoneId.systemDefault());
  }

  TextLineEncoder(ZoneId zone) {
    this.zone = zone;
  }

  @Override
  public byte[] headerBytes() {
    return null;
  }

  @Override
  public byte[] footerBytes() {
    return null;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(160);
    appendTime(line, event.getTimeStamp());
    line.append(' ');
    String level = event.getLevel().toString();
    line.append(level);
    for (int i = level.length(); i < 5; i++) {
      line.append(' ');
    }
    line.append(' ');
    String loggerName = event.getLoggerName() == null ? "" : event.getLoggerName();
    String shortName = loggerName.substring(loggerName.lastIndexOf('.') + 1);
    escape(line, shortName);
    String message = event.getFormattedMessage();
    if (message != null && !message.isEmpty() && !message.equals(shortName)) {
      line.append("  ");
      escape(line, message);
    }
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null && !pairs.isEmpty()) {
      if (ACCESS_LOGGER.equals(loggerName)) {
        appendAccessFields(line, pairs);
      } else if (isBanner(event)) {
        appendBlock(line, pairs);
      } else {
        boolean first = true;
        for (KeyValuePair pair : pairs) {
          if (pair.value != null) {
            line.append(first ? "  " : " ");
            appendPair(line, pair.key, pair.value);
            first = false;
          }
        }
      }
    }
    line.append('\n');
    IThrowableProxy thrown = event.getThrowableProxy();
    if (thrown != null) {
      appendThrowable(line, thrown, "", "", 0);
    }
    return line.toString().getBytes(StandardCharsets.UTF_8);
  }

  private void appendTime(StringBuilder line, long millis) {
    long epochSecond = Math.floorDiv(millis, 1000);
    Second second = lastSecond;
    if (second.epochSecond() != epochSecond) {
      second = new Second(epochSecond, SECONDS.format(LocalDateTime.ofInstant(Instant.ofEpochSecond(epochSecond), zone)));
      lastSecond = second;
    }
    int milli = (int) Math.floorMod(millis, 1000L);
    line.append(second.text()).append('.');
    if (milli < 100) {
      line.append('0');
    }
    if (milli < 10) {
      line.append('0');
    }
    line.append(milli);
  }

  private static boolean isBanner(ILoggingEvent event) {
    List<Marker> markers = event.getMarkerList();
    if (markers == null) {
      return false;
    }
    for (Marker marker : markers) {
      if (BANNER.equals(marker.getName())) {
        return true;
      }
    }
    return false;
  }

  private static void appendAccessFields(StringBuilder line, List<KeyValuePair> pairs) {
    Map<String, Object> values = new TreeMap<>();
    for (KeyValuePair pair : pairs) {
      if (pair.value != null) {
        values.put(pair.key, pair.value);
      }
    }
    boolean first = true;
    for (String key : ACCESS_FIELDS) {
      Object value = values.get(key);
      if (value == null || (key.equals("outcome") && USUAL_OUTCOME.equals(value))) {
        continue;
      }
      line.append(first ? "  " : " ");
      appendPair(line, key, value);
      first = false;
    }
  }

  /** Each pair on a line of its own: {@code     gateway    http://0.0.0.0:9000}. */
  private static void appendBlock(StringBuilder line, List<KeyValuePair> pairs) {
    List<String> labels = new ArrayList<>();
    int width = 0;
    for (KeyValuePair pair : pairs) {
      String label = label(pair.key);
      labels.add(label);
      width = Math.max(width, label.length());
    }
    for (int i = 0; i < pairs.size(); i++) {
      if (pairs.get(i).value == null) {
        continue;
      }
      line.append("\n    ");
      escape(line, labels.get(i));
      for (int pad = labels.get(i).length(); pad < width + 2; pad++) {
        line.append(' ');
      }
      escape(line, String.valueOf(pairs.get(i).value));
    }
  }

  /** {@code adminTokenFile} reads {@code admin token file}; {@code gatewayUrl} reads {@code gateway}. */
  static String label(String key) {
    String name = key.endsWith("Url") && key.length() > 3 ? key.substring(0, key.length() - 3) : key;
    StringBuilder label = new StringBuilder(name.length() + 4);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isUpperCase(c) && i > 0) {
        label.append(' ').append(Character.toLowerCase(c));
      } else {
        label.append(c);
      }
    }
    return label.toString();
  }

  private static void appendPair(StringBuilder line, String key, Object value) {
    escape(line, key);
    line.append('=');
    String text = value instanceof Double || value instanceof Float ? trimmed(((Number) value).doubleValue())
        : String.valueOf(value);
    if (text.isEmpty() || needsQuotes(text)) {
      line.append('"');
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '"' || c == '\\') {
          line.append('\\').append(c);
        } else {
          escape(line, c);
        }
      }
      line.append('"');
    } else {
      escape(line, text);
    }
  }

  /** A duration in milliseconds to a tenth: {@code 12.3}, not {@code 12.345678}. */
  private static String trimmed(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return String.valueOf(value);
    }
    long tenths = Math.round(value * 10);
    return tenths % 10 == 0 ? Long.toString(tenths / 10) : (tenths / 10) + "." + Math.abs(tenths % 10);
  }

  private static boolean needsQuotes(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '"' || c == '=' || c == '\\' || Character.isWhitespace(c) || escaped(c)) {
        return true;
      }
    }
    return false;
  }

  /**
   * As Java prints it ({@code Caused by:}, {@code Suppressed:}, {@code ... n more}), with the
   * messages' control characters escaped.
   */
  private static void appendThrowable(StringBuilder out, IThrowableProxy thrown, String prefix, String indent,
      int depth) {
    out.append(indent).append(prefix);
    if (thrown.isCyclic()) {
      out.append("[CIRCULAR REFERENCE: ");
      escape(out, thrown.getClassName());
      out.append("]\n");
      return;
    }
    escape(out, thrown.getClassName());
    if (thrown.getMessage() != null) {
      out.append(": ");
      escape(out, thrown.getMessage());
    }
    out.append('\n');
    StackTraceElementProxy[] frames = thrown.getStackTraceElementProxyArray();
    int common = thrown.getCommonFrames();
    int shown = frames == null ? 0 : Math.max(0, frames.length - common);
    for (int i = 0; i < shown; i++) {
      out.append(indent).append("\tat ");
      escape(out, String.valueOf(frames[i].getStackTraceElement()));
      out.append('\n');
    }
    if (common > 0) {
      out.append(indent).append("\t... ").append(common).append(" more\n");
    }
    if (depth >= MAX_CAUSES) {
      return;
    }
    IThrowableProxy[] suppressed = thrown.getSuppressed();
    if (suppressed != null) {
      for (IThrowableProxy one : suppressed) {
        appendThrowable(out, one, "Suppressed: ", indent + "\t", depth + 1);
      }
    }
    if (thrown.getCause() != null) {
      appendThrowable(out, thrown.getCause(), "Caused by: ", indent, depth + 1);
    }
  }

  private static void escape(StringBuilder out, String text) {
    for (int i = 0; i < text.length(); i++) {
      escape(out, text.charAt(i));
    }
  }

  private static void escape(StringBuilder out, char c) {
    if (!escaped(c)) {
      out.append(c);
      return;
    }
    switch (c) {
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      default -> out.append(String.format("\\u%04x", (int) c));
    }
  }

  /**
   * Control characters (C0, DEL, C1), line and paragraph separators, and the bidirectional
   * overrides and isolates that could make a line read other than it is.
   */
  private static boolean escaped(char c) {
    return Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || (c >= '\u202a' && c <= '\u202e')
        || (c >= '\u2066' && c <= '\u2069');
  }
}
