package dev.portcullis.common.stream.eventstream;

import io.vertx.core.buffer.Buffer;

/**
 * One complete, CRC-checked frame: its exact bytes as they came off the wire (so a proxy can relay
 * the frame untouched) and the message they decode to.
 */
public record EventStreamFrame(Buffer raw, EventStreamMessage message) {}
