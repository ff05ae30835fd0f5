package dev.portcullis.common.stream.jsonarray;

import io.vertx.core.buffer.Buffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Cuts the elements out of a JSON array that arrives in pieces: Gemini's {@code :streamGenerateContent}
 * without {@code alt=sse} writes {@code [}, then one response object per chunk separated by commas
 * and whitespace, then {@code ]}. Feed it the body as it arrives, split anywhere, and it reports
 * the exact bytes of each complete top-level element as soon as its closing bracket arrives.
 *
 * <p>It frames, it does not validate: it follows brackets, strings and escapes, which is enough to
 * find element boundaries, and leaves the JSON inside an element to whoever parses it. Scanning
 * bytes rather than characters is safe with UTF-8, because every byte of a multi-byte character is
 * 0x80 or above and so never mistaken for a quote, backslash or bracket. Elements must be objects
 * or arrays (Gemini only sends objects); a bare number or string at the top level is an error.
 *
 * <p>Broken framing makes {@link #feed} throw {@link JsonStreamFormatException}; elements before it
 * have been reported, and the splitter stays failed.
 */
public final class JsonArrayStreamSplitter {

  /** Larger than any response chunk Gemini sends, inline images included; bounds what one element may buffer. */
  public static final int DEFAULT_MAX_ELEMENT_BYTES = 64 * 1024 * 1024;

  private enum State { BEFORE_ARRAY, BEFORE_FIRST_ELEMENT, BEFORE_ELEMENT, IN_ELEMENT, AFTER_ELEMENT, AFTER_ARRAY }

  private final Consumer<Buffer> sink;
  private final int maxElementBytes;
  private State state = State.BEFORE_ARRAY;
  private Buffer element = Buffer.buffer();
  /** The closing bracket each open bracket of the current element waits for, innermost last. */
  private byte[] expectedClosers = new byte[16];
  private int depth;
  private boolean inString;
  private boolean escaped;
  /** Where in the whole stream the byte being scanned is, for error messages. */
  private long position;
  /** The rest of a chunk whose splitting stopped because the sink threw; split before the next chunk. */
  private Buffer unsplit;
  private JsonStreamFormatException failure;

  public JsonArrayStreamSplitter(Consumer<Buffer> sink) {
    this(DEFAULT_MAX_ELEMENT_BYTES, sink);
  }

  public JsonArrayStreamSplitter(int maxElementBytes, Consumer<Buffer> sink) {
    if (maxElementBytes < 2) {
      throw new IllegalArgumentException("maxElementBytes must allow at least {}");
    }
    this.maxElementBytes = maxElementBytes;
    this.sink = Objects.requireNonNull(sink, "sink");
  }

  public void feed(Buffer chunk) {
    if (failure != null) {
      throw failure;
    }
    Buffer input = chunk;
    if (unsplit != null) {
      input = unsplit.appendBuffer(chunk);
      unsplit = null;
    }
    try {
      split(input);
    } catch (JsonStreamFormatException e) {
      failure = e;
      element = Buffer.buffer();
      throw e;
    }
  }

  /** Call when the body has ended: an array that was never closed means the stream was cut off. */
  public void end() {
    // Elements left over by a sink that threw are complete, not cut off: report them first.
    feed(Buffer.buffer());
    if (state != State.AFTER_ARRAY) {
      failure = new JsonStreamFormatException(state == State.BEFORE_ARRAY
          ? "stream ended before the opening [" : "stream ended before the closing ] of the array");
      throw failure;
    }
  }

  private void split(Buffer chunk) {
    int length = chunk.length();
    // Where the current element's bytes begin in this chunk; copied out once per chunk, not per byte.
    int elementStart = state == State.IN_ELEMENT ? 0 : -1;
    for (int i = 0; i < length; i++, position++) {
      byte b = chunk.getByte(i);
      switch (state) {
        case IN_ELEMENT -> {
          if (scanElementByte(b)) {
            appendToElement(chunk, elementStart, i + 1);
            elementStart = -1;
            Buffer complete = element;
            element = Buffer.buffer();
            state = State.AFTER_ELEMENT;
            try {
              sink.accept(complete);
            } catch (RuntimeException e) {
              unsplit = chunk.getBuffer(i + 1, length);
              position++;
              throw e;
            }
          }
        }
        case BEFORE_ARRAY -> {
          if (!isWhitespace(b)) {
            expect(b == '[', b, "the opening [ of the array");
            state = State.BEFORE_FIRST_ELEMENT;
          }
        }
        case BEFORE_FIRST_ELEMENT, BEFORE_ELEMENT -> {
          if (state == State.BEFORE_FIRST_ELEMENT && b == ']') {
            state = State.AFTER_ARRAY;
          } else if (!isWhitespace(b)) {
            expect(b == '{' || b == '[', b, "an object or array element");
            elementStart = i;
            openBracket(b);
            state = State.IN_ELEMENT;
          }
        }
        case AFTER_ELEMENT -> {
          if (b == ',') {
            state = State.BEFORE_ELEMENT;
          } else if (b == ']') {
            state = State.AFTER_ARRAY;
          } else {
            expect(isWhitespace(b), b, "a comma or the closing ] of the array");
          }
        }
        case AFTER_ARRAY -> expect(isWhitespace(b), b, "nothing after the closing ] of the array");
      }
    }
    if (state == State.IN_ELEMENT) {
      appendToElement(chunk, elementStart, length);
    }
  }

  /** Follows strings, escapes and brackets; true when {@code b} closes the top-level element. */
  private boolean scanElementByte(byte b) {
    if (inString) {
      if (escaped) {
        escaped = false;
      } else if (b == '\\') {
        escaped = true;
      } else if (b == '"') {
        inString = false;
      }
      return false;
    }
    switch (b) {
      case '"' -> inString = true;
      case '{', '[' -> openBracket(b);
      case '}', ']' -> {
        expect(b == expectedClosers[depth - 1], b, "'" + (char) expectedClosers[depth - 1] + "'");
        depth--;
        return depth == 0;
      }
      default -> {
        // Other bytes inside an element are the element's business, not the framing's.
      }
    }
    return false;
  }

  private void openBracket(byte b) {
    if (depth == expectedClosers.length) {
      expectedClosers = Arrays.copyOf(expectedClosers, depth * 2);
    }
    expectedClosers[depth++] = (byte) (b == '{' ? '}' : ']');
  }

  private void appendToElement(Buffer chunk, int from, int to) {
    if ((long) element.length() + (to - from) > maxElementBytes) {
      throw new JsonStreamFormatException("an element is larger than " + maxElementBytes + " bytes");
    }
    element.appendBuffer(chunk, from, to - from);
  }

  private void expect(boolean condition, byte found, String expected) {
    if (!condition) {
      throw new JsonStreamFormatException(String.format(
          "at byte offset %d: expected %s, found 0x%02x ('%s')", position, expected, found & 0xff, (char) (found & 0xff)));
    }
  }

  private static boolean isWhitespace(byte b) {
    return b == ' ' || b == '\t' || b == '\n' || b == '\r';
  }
}
