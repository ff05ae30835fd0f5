package dev.portcullis.policy.conversation;

/**
 * One piece of text a conversation holds: a system or developer instruction, or what the user or
 * the model said. Reasoning (thinking blocks, Gemini thought parts) and tool results are not text
 * parts; tool results are {@link ToolResult}s.
 *
 * @param role the role as the API names it ({@code system}, {@code developer}, {@code user},
 *     {@code assistant}, Gemini's {@code model}); a system prompt kept outside the messages
 *     (Anthropic {@code system}, Gemini {@code systemInstruction}, Bedrock {@code system},
 *     Responses {@code instructions}) is {@code system}; null when a message names no role
 * @param text the text, never empty
 */
public record TextPart(String role, String text) {}
