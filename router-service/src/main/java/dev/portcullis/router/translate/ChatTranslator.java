package dev.portcullis.router.translate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Translates OpenAI Chat Completions to and from one native provider API. Pure: JSON in, JSON
 * out, no I/O, safe to share between threads. Each translated provider's descriptor names its
 * translator class ({@code ProviderDescriptor.translator()}), which has a public constructor taking
 * an {@code IdMinter} or none ({@link TranslatorRegistry} loads it).
 */
public interface ChatTranslator {

  /** The provider name used in model ids and the registry ({@code anthropic}, ...). */
  String provider();

  /**
   * The native request body for an OpenAI chat request. Where the provider takes the model in the
   * URL (Gemini, Bedrock) the body does not name it; {@code stream} is carried in the body where
   * the provider reads it there.
   *
   * @throws dev.portcullis.common.error.GatewayException a 400 naming the offending field when the
   *     request uses something the provider cannot take: dropping it silently would change what the
   *     model sees
   */
  ObjectNode toNativeRequest(JsonNode chatRequest, String nativeModel);

  /** The OpenAI {@code chat.completion} for a native non-streaming response body. */
  ObjectNode toChatCompletion(JsonNode nativeResponse, ResponseContext context);

  /** A fresh state machine for one streamed answer. */
  ChatStreamTranslator newStreamTranslator(ResponseContext context);

  /** The OpenAI error and status for a native HTTP error answer. */
  TranslatedError translateError(int status, byte[] body, Map<String, String> headers);
}
