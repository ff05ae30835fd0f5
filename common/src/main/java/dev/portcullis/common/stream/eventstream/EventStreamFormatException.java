package dev.portcullis.common.stream.eventstream;

/**
 * A byte stream that is not a valid AWS event stream: a bad CRC, a length outside the limits, an
 * unknown header type, or a stream that ends inside a frame. The stream cannot be resynchronised
 * after one (frame boundaries come only from the length fields), so it must be abandoned.
 */
public final class EventStreamFormatException extends RuntimeException {

  public EventStreamFormatException(String message) {
    super(message);
  }
}
