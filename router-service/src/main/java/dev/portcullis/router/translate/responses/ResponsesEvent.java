package dev.portcullis.router.translate.responses;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Responses streaming event: the caller writes {@code event: <type>} and
 * {@code data: <data>}; {@code data} repeats the type and carries the {@code sequence_number}.
 */
public record ResponsesEvent(String type, ObjectNode data) {}
