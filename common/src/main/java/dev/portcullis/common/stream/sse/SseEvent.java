package dev.portcullis.common.stream.sse;

/**
 * One Server-Sent Event: its {@code event:} name ({@code null} when the event had none) and its
 * data lines joined with {@code \n}.
 */
public record SseEvent(String event, String data) {}
