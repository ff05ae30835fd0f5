package dev.portcullis.policy.sensitive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.portcullis.common.json.JsonBodies;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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

  private static final JsonFactory FACTORY = JsonFactory.builder().build();

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
   */
  public record Outcome(String blockedBy, Map<String, Integer> redacted, Map<String, Integer> logged, Buffer body) {

    public boolean blocked() {
      return blockedBy != null;
    }

    public boolean changed(Buffer original) {
      return body != original;
    }
  }

  /**
   * Scans {@code body}. A body that is not JSON is scanned as far as it parses (the caller forwards
   * or refuses it on its own grounds; a policy never makes an invalid body valid).
   */
  public Outcome scan(Buffer body) {
    Map<String, Integer> redacted = new TreeMap<>();
    Map<String, Integer> logged = new TreeMap<>();
    Map<Integer, String> replacements = new HashMap<>();
    int ordinal = 0;
    try (JsonParser parser = JsonBodies.parser(FACTORY, body)) {
      JsonToken token;
      while ((token = parser.nextToken()) != null) {
        if (token != JsonToken.VALUE_STRING && token != JsonToken.FIELD_NAME) {
          continue;
        }
        int index = ordinal++;
        String text = parser.getText();
        if (text.isEmpty() || isBinary(text)) {
          continue;
        }
        if (block != null) {
          List<Finding> found = block.scan(text);
          if (!found.isEmpty()) {
            return new Outcome(found.get(0).detector(), Map.of(), Map.of(), body);
          }
        }
        if (redact != null) {
          List<Finding> found = redact.scan(text);
          if (!found.isEmpty()) {
            found.forEach(f -> redacted.merge(f.detector(), 1, Integer::sum));
            replacements.put(index, SensitiveScanner.redact(text, found));
          }
        }
        if (log != null) {
          log.scan(text).forEach(f -> logged.merge(f.detector(), 1, Integer::sum));
        }
      }
    } catch (IOException notJson) {
      // Scanned as far as it parsed: nothing is redacted in a body that is not JSON.
      return new Outcome(null, Map.of(), logged, body);
    }
    Buffer out = replacements.isEmpty() ? body : rewrite(body, replacements);
    return new Outcome(null, redacted, logged, out);
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
