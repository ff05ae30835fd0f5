package dev.portcullis.common.stream.sse;

/**
 * One Server-Sent Event: its {@code event:} name ({@code null} when the event had none) and its
 * data lines joined with {@code \n}.
 */
public record SseEvent(String event, String data) {

  private static final String DONE = "[DONE]";

  /**
   * Whether this is the {@code data: [DONE]} end marker OpenAI's streams end with, and that other
   * providers (Cohere's v2 chat stream among them) may send after their own last event. It is
   * never JSON, so a reader stops at it instead of parsing it. Leading and trailing whitespace is
   * allowed, and so is anything after the marker, as the official SDKs allow it.
   */
  public boolean isDoneMarker() {
    String text = data;
    int start = 0;
    while (start < text.length() && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    return text.startsWith(DONE, start);
  }
}
