package dev.portcullis.policy.sensitive;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonParserDelegate;
import java.io.IOException;

/**
 * A parser that has every string it passes over (values and field names) scanned as it goes, so
 * that whoever reads the body through it (the conversation reader building its view, or nothing
 * but a loop to the end) and the sensitive-data rules share one pass over the bytes.
 *
 * <p>A string the rules redact reads as its redacted text ({@link #getText} and its relatives), so
 * what is built from this parser sees what the provider will be sent; or, when asked, as it came
 * (a whole answer's tool calls are judged on what the model wrote). Every way of moving on
 * ({@code nextFieldName}, {@code nextTextValue} and the rest are {@link JsonParser}'s own, which
 * call {@link #nextToken}) goes through {@link #nextToken}, and {@link #skipChildren} walks rather
 * than skips, so no string is passed over unread.
 */
final class ScanningParser extends JsonParserDelegate {

  /** What is done with each string met, in order. */
  interface StringVisitor {
    /** @return the redacted text of {@code text}, or null to keep it */
    String visit(String text);
  }

  private final StringVisitor visitor;
  /** Whether a redacted string reads as redacted (else as it came: the reader judges the original). */
  private final boolean readsRedacted;
  /** The current string's redacted text, or null. */
  private String replaced;
  /** Whether the bytes stopped parsing: then what was read is not the whole body. */
  private boolean failed;

  ScanningParser(JsonParser bytes, StringVisitor visitor, boolean readsRedacted) {
    super(bytes);
    this.visitor = visitor;
    this.readsRedacted = readsRedacted;
  }

  boolean failed() {
    return failed;
  }

  @Override
  public JsonToken nextToken() throws IOException {
    replaced = null;
    JsonToken token;
    try {
      token = delegate.nextToken();
    } catch (IOException | RuntimeException e) {
      failed = true;
      throw e;
    }
    if (token == JsonToken.VALUE_STRING || token == JsonToken.FIELD_NAME) {
      String redacted = visitor.visit(delegate.getText());
      replaced = readsRedacted ? redacted : null;
    }
    return token;
  }

  @Override
  public JsonToken nextValue() throws IOException {
    JsonToken token = nextToken();
    return token == JsonToken.FIELD_NAME ? nextToken() : token;
  }

  @Override
  public JsonParser skipChildren() throws IOException {
    JsonToken start = delegate.currentToken();
    if (start != JsonToken.START_OBJECT && start != JsonToken.START_ARRAY) {
      return this;
    }
    int open = 1;
    while (open > 0) {
      JsonToken token = nextToken();
      if (token == null) {
        return this;
      }
      if (token.isStructStart()) {
        open++;
      } else if (token.isStructEnd()) {
        open--;
      }
    }
    return this;
  }

  @Override
  public String getText() throws IOException {
    return replaced != null ? replaced : delegate.getText();
  }

  @Override
  public String getValueAsString() throws IOException {
    return replaced != null ? replaced : delegate.getValueAsString();
  }

  @Override
  public String getValueAsString(String defaultValue) throws IOException {
    return replaced != null ? replaced : delegate.getValueAsString(defaultValue);
  }

  @Override
  public String currentName() throws IOException {
    return replaced != null && delegate.currentToken() == JsonToken.FIELD_NAME ? replaced : delegate.currentName();
  }

  @Override
  @Deprecated
  public String getCurrentName() throws IOException {
    return currentName();
  }

  @Override
  public char[] getTextCharacters() throws IOException {
    return replaced != null ? replaced.toCharArray() : delegate.getTextCharacters();
  }

  @Override
  public int getTextLength() throws IOException {
    return replaced != null ? replaced.length() : delegate.getTextLength();
  }

  @Override
  public int getTextOffset() throws IOException {
    return replaced != null ? 0 : delegate.getTextOffset();
  }

  @Override
  public int getText(java.io.Writer writer) throws IOException {
    if (replaced == null) {
      return delegate.getText(writer);
    }
    writer.write(replaced);
    return replaced.length();
  }
}
