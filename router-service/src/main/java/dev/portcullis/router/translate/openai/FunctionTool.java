package dev.portcullis.router.translate.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * An OpenAI function tool. {@code parameters} is null when the client declared none.
 */
public record FunctionTool(String name, String description, JsonNode parameters, boolean strict) {}
