package dev.portcullis.common.stream.jsonarray;

/** A streamed JSON array whose framing is broken: the elements cannot be cut out of it reliably. */
public final class JsonStreamFormatException extends RuntimeException {

  public JsonStreamFormatException(String message) {
    super(message);
  }
}
