package dev.portcullis.policy.sensitive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.portcullis.common.json.ClientJsonLimits;
import dev.portcullis.common.json.JsonBodies;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Applies one direction's sensitive-data rules to a JSON body, whatever API it is in: every string
 * (values and field names, wherever they are: messages, system prompts, tool arguments and
 * results) is scanned, so nothing is missed for want of knowing a format's shape.
 *
 * <ul>
 *   <li>a finding of a {@code block} detector refuses the body (the first one found is named);</li>
 *   <li>findings of {@code redact} detectors are replaced by typed placeholders, and only then is
 *       the body written anew (a body with nothing to redact keeps its bytes);</li>
 *   <li>findings of {@code log} detectors are counted.</li>
 * </ul>
 *
 * Base64 payloads (a {@code data:} URI, or a string of 1 KiB or more of base64 alone: images, audio,
 * files) are not scanned: what they hide is not text a detector can read, and scanning megabytes of
 * them would only cost time and find noise. Immutable and thread-safe.
 */
public final class JsonBodyScanner {

  /** Shorter strings of base64 alone are scanned (a key can look like base64). */
  static final int BASE64_BLOB_MIN = 1024;

  /**
   * The bounds of every reader of client JSON: a body nested deeper than a client's may be is
   * scanned as text, like one that is not JSON.
   */
  private static final JsonFactory FACTORY = ClientJsonLimits.boundedFactory(Integer.MAX_VALUE);

  private final SensitiveScanner block;
  private final SensitiveScanner redact;
  private final SensitiveScanner log;

  /** Each scanner holds the detectors set to that action; null or empty: none. */
  public JsonBodyScanner(SensitiveScanner block, SensitiveScanner redact, SensitiveScanner log) {
    this.block = emptyToNull(block);
    this.redact = emptyToNull(redact);
    this.log = emptyToNull(log);
  }

  /** Whether there is anything to do: a scanner without detectors skips bodies unread. */
  public boolean isEmpty() {
    return block == null && redact == null && log == null;
  }

  /**
   * What the rules make of a body.
   *
   * @param blockedBy the detector that refuses the body, or null
   * @param redacted findings replaced, by detector (empty when none)
   * @param logged findings only counted, by detector
   * @param body the body to send on: the same instance when nothing was redacted
   * @param notJson whether the body is not JSON (or deeper than a client's JSON may be), so its
   *     text was scanned as it lies: there a {@code redact} finding refuses the body too, since
   *     nothing can be replaced safely in bytes whose shape is unknown
   */
  public record Outcome(String blockedBy, Map<String, Integer> redacted, Map<String, Integer> logged, Buffer body,
      boolean notJson) {

    public boolean blocked() {
      return blockedBy != null;
    }

    public boolean changed(Buffer original) {
      return body != original;
    }
  }

  /** An outcome, and what a reader made of the body in the same pass (null when it could not). */
  public record Read<T>(Outcome outcome, T value) {}

  /** Reads a body from a parser: its every string has been scanned by the time it reads it. */
  @FunctionalInterface
  public interface BodyReader<T> {
    T read(JsonParser parser) throws IOException;
  }

  /**
   * Scans {@code body}. A body that is not JSON has its text scanned as it lies: a policy never
   * lets a secret through because its body does not parse (the provider would still receive it),
   * nor makes an invalid body valid.
   */
  public Outcome scan(Buffer body) {
    return scanWhileReading(body, null).outcome();
  }

  /**
   * Scans {@code body} while {@code reader} reads it, in one pass over the bytes: the reader is
   * given a parser whose strings are scanned as they go by, and read as redacted when the rules
   * redact them. What the reader leaves unread is scanned after it. The reader's value is null when
   * it threw (a body it cannot read), when the body is blocked, or when it is not JSON.
   */
  public <T> Read<T> scanWhileReading(Buffer body, BodyReader<T> reader) {
    return scanWhileReading(body, reader, true);
  }

  /**
   * The same, with redacted strings read by {@code reader} as redacted ({@code readsRedacted}) or
   * as they came.
   */
  public <T> Read<T> scanWhileReading(Buffer body, BodyReader<T> reader, boolean readsRedacted) {
    Scan scan = new Scan();
    T value = null;
    ScanningParser parser = null;
    try {
      parser = new ScanningParser(JsonBodies.parser(FACTORY, body), scan, readsRedacted);
      if (reader != null) {
        try {
          value = reader.read(parser);
        } catch (IOException | RuntimeException unreadable) {
          if (scan.blockedBy != null) {
            return new Read<>(blocked(scan.blockedBy, body, false), null);
          }
        }
      }
      if (!parser.failed()) {
        while (parser.nextToken() != null) {
          // Each string is scanned on the way.
        }
      }
    } catch (Blocked blocked) {
      return new Read<>(blocked(scan.blockedBy, body, false), null);
    } catch (IOException | RuntimeException notJson) {
      return new Read<>(scanText(body), null);
    } finally {
      closeQuietly(parser);
    }
    if (parser.failed()) {
      return new Read<>(scanText(body), null);
    }
    Buffer out = scan.replacements.isEmpty() ? body : rewrite(body, scan.replacements);
    return new Read<>(new Outcome(null, scan.redacted, scan.logged, out, false), value);
  }

  /** What the rules find in one string after another: the state of one body's pass. */
  private final class Scan implements ScanningParser.StringVisitor {
    final Map<String, Integer> redacted = new TreeMap<>();
    final Map<String, Integer> logged = new TreeMap<>();
    final Map<Integer, String> replacements = new HashMap<>();
    String blockedBy;
    int ordinal;

    @Override
    public String visit(String text) {
      int index = ordinal++;
      if (text.isEmpty() || isBinary(text)) {
        return null;
      }
      if (block != null) {
        List<Finding> found = block.scan(text);
        if (!found.isEmpty()) {
          blockedBy = found.get(0).detector();
          throw Blocked.INSTANCE;
        }
      }
      String replacement = null;
      if (redact != null) {
        List<Finding> found = redact.scan(text);
        if (!found.isEmpty()) {
          found.forEach(f -> redacted.merge(f.detector(), 1, Integer::sum));
          replacement = SensitiveScanner.redact(text, found);
          replacements.put(index, replacement);
        }
      }
      if (log != null) {
        log.scan(text).forEach(f -> logged.merge(f.detector(), 1, Integer::sum));
      }
      return replacement;
    }
  }

  /** Stops a pass at the first blocked finding: nothing after it matters. */
  private static final class Blocked extends RuntimeException {
    static final Blocked INSTANCE = new Blocked();

    private Blocked() {
      super("blocked", null, false, false);
    }
  }

  private static Outcome blocked(String detector, Buffer body, boolean notJson) {
    return new Outcome(detector, Map.of(), Map.of(), body, notJson);
  }

  /**
   * A body that is not JSON, scanned as the text it is: a {@code block} or a {@code redact}
   * finding refuses it, a {@code log} one is counted; its bytes are never changed.
   */
  private Outcome scanText(Buffer body) {
    String text = body.toString(StandardCharsets.UTF_8);
    for (SensitiveScanner refusing : new SensitiveScanner[] {block, redact}) {
      if (refusing != null) {
        List<Finding> found = refusing.scan(text);
        if (!found.isEmpty()) {
          return blocked(found.get(0).detector(), body, true);
        }
      }
    }
    Map<String, Integer> logged = new TreeMap<>();
    if (log != null) {
      log.scan(text).forEach(f -> logged.merge(f.detector(), 1, Integer::sum));
    }
    return new Outcome(null, Map.of(), logged, body, true);
  }

  private static void closeQuietly(JsonParser parser) {
    if (parser != null) {
      try {
        parser.close();
      } catch (IOException ignored) {
        // A parser over bytes in memory has nothing to release.
      }
    }
  }

  /** The body again, with the strings of those ordinals replaced (everything else as it was). */
  private static Buffer rewrite(Buffer body, Map<Integer, String> replacements) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(body.length() + 64);
    int ordinal = 0;
    try (JsonParser parser = JsonBodies.parser(FACTORY, body); JsonGenerator out = FACTORY.createGenerator(bytes)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
          String replacement = replacements.get(ordinal++);
          if (replacement != null) {
            if (token == JsonToken.FIELD_NAME) {
              out.writeFieldName(new SerializedString(replacement));
            } else {
              out.writeString(replacement);
            }
            continue;
          }
        }
        if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
          // As written: 1e2 stays 1e2 (a provider may read 1E+2 or 100.0 otherwise).
          out.writeNumber(parser.getText());
        } else {
          out.copyCurrentEventExact(parser);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("a body that parsed once did not parse again", e);
    }
    return Buffer.buffer(bytes.toByteArray());
  }

  /** A {@code data:} URI, or a long run of base64 alone: a payload, not text. */
  static boolean isBinary(String text) {
    if (text.length() > 64 && text.startsWith("data:") && text.indexOf(";base64,", 5) > 0) {
      return true;
    }
    if (text.length() < BASE64_BLOB_MIN) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean base64 = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
          || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
      if (!base64) {
        return false;
      }
    }
    return true;
  }

  private static SensitiveScanner emptyToNull(SensitiveScanner scanner) {
    return scanner == null || scanner.detectors().isEmpty() ? null : scanner;
  }
}
