package dev.portcullis.common.stream.bus;

/** Messages from the requester of a stream to its producer. */
public sealed interface StreamControl {

  /** The requester can take {@code frames} more DATA frames. */
  record Credit(int frames) implements StreamControl {}

  /** The requester is gone (client disconnected, idle timeout): stop and reset the upstream call. */
  record Cancel(String reason) implements StreamControl {}
}
