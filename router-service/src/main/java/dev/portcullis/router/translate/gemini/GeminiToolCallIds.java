package dev.portcullis.router.translate.gemini;

/**
 * Gemini 3 models sign their function calls ({@code thoughtSignature}) and reject a later request
 * that replays a call without its signature. OpenAI clients keep nothing but the tool-call id, so
 * the signature rides in the id, after a {@code ~} (a character neither minted ids nor base64
 * signatures contain), and is restored when the call comes back in the history.
 */
final class GeminiToolCallIds {

  private static final char SEPARATOR = '~';

  private GeminiToolCallIds() {}

  static String withSignature(String mintedId, String thoughtSignature) {
    return thoughtSignature == null || thoughtSignature.isEmpty()
        ? mintedId
        : mintedId + SEPARATOR + thoughtSignature;
  }

  /** The signature carried by a tool-call id, or null. */
  static String signatureOf(String toolCallId) {
    if (toolCallId == null) {
      return null;
    }
    int separator = toolCallId.indexOf(SEPARATOR);
    return separator < 0 || separator == toolCallId.length() - 1 ? null : toolCallId.substring(separator + 1);
  }
}
