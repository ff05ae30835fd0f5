package dev.portcullis.policy.conversation;

/**
 * A tool's result that the client sends back to the model.
 *
 * @param callId the id of the call it answers, as the API names it ({@code call_...},
 *     {@code toolu_...}); null where the API has none (Gemini without ids, OpenAI's legacy
 *     {@code function} messages)
 * @param toolName the tool's name: as the result names it (Gemini, legacy {@code function}
 *     messages), else the name of the earlier call with that id; null when neither is found
 * @param content the result as text: a string as sent; structured content as its text parts
 *     joined with {@code "\n"}, where JSON parts (Bedrock {@code json}, Cohere documents) and a
 *     Gemini {@code response} object count as their JSON text; {@code ""} when there is none
 */
public record ToolResult(String callId, String toolName, String content) {}
