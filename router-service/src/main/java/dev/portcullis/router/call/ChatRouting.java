package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.router.RouterOperations;
import dev.portcullis.common.router.RouterProviders;
import dev.portcullis.router.translate.ChatTranslator;
import dev.portcullis.router.translate.ResponseContext;
import dev.portcullis.router.translate.TranslatedError;
import dev.portcullis.router.translate.TranslatorRegistry;
import dev.portcullis.router.translate.openai.IdMinter;
import dev.portcullis.router.translate.responses.ResponsesChatBridge;
import dev.portcullis.router.translate.responses.ResponsesStreamBridge;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Map;

/**
 * Plans chat completions and Responses calls of the model router ({@link CallPlan}). Three ways:
 *
 * <ul>
 *   <li>OpenAI-compatible provider, chat (or Responses on OpenAI and Azure): the body goes on with
 *       only its {@code model} rewritten to the native id, and the answer comes back untouched;</li>
 *   <li>OpenAI-compatible provider, Responses: the request becomes a chat request, and the chat
 *       answer becomes a response (streams event by event);</li>
 *   <li>Anthropic, Gemini, Cohere, Bedrock: the chat request (from Responses if need be) is
 *       translated to the native API, sent to the provider's own route, and the answer translated
 *       back, whole or event by event.</li>
 * </ul>
 */
public final class ChatRouting {

  private final TranslatorRegistry translators;
  private final IdMinter ids;
  private final ResponsesChatBridge responses;

  public ChatRouting(TranslatorRegistry translators, IdMinter ids) {
    this.translators = translators;
    this.ids = ids;
    this.responses = new ResponsesChatBridge(ids);
  }

  /**
   * @param call the gateway's call: {@code provider} is the target, {@code model} its native id,
   *     the body the client's OpenAI request
   * @throws dev.portcullis.common.error.GatewayException or
   *     {@link dev.portcullis.router.translate.TranslationException} for requests that cannot be made
   */
  CallPlan plan(ProxyRequest call) {
    String provider = call.provider();
    if (!RouterProviders.supports(provider)) {
      throw GatewayError.invalidRequest("Unknown provider '" + provider + "'. The model router knows: "
          + String.join(", ", RouterProviders.ALL) + ".", "model").toException();
    }
    boolean isResponses = call.operation().equals(RouterOperations.RESPONSES);
    JsonNode body = RouterJson.parseRequest(call.body());
    long created = System.currentTimeMillis() / 1000;
    if (RouterProviders.isOpenAiCompatible(provider)) {
      if (!isResponses || RouterProviders.servesResponses(provider)) {
        return forwarded(call, (ObjectNode) body, isResponses ? "responses" : "chat.completions",
            isResponses ? "/responses" : "/chat/completions");
      }
      return responsesOverCompatibleChat(call, body, created);
    }
    return translated(call, body, isResponses, created);
  }

  private static CallPlan forwarded(ProxyRequest call, ObjectNode body, String operation, String path) {
    body.put("model", call.model());
    ProxyRequest toProvider = new ProxyRequest(call.provider(), operation, "POST", path, call.query(), call.headers(),
        RouterJson.write(body), call.credential(), call.proxyId(), call.requestId(), call.model(), call.timeoutMs(),
        null, 0);
    return new CallPlan(toProvider, reply -> reply, head -> PassthroughTransform.INSTANCE);
  }

  private CallPlan responsesOverCompatibleChat(ProxyRequest call, JsonNode body, long created) {
    ObjectNode chat = responses.toChatRequest(body);
    chat.put("model", call.model());
    ProxyRequest toProvider = new ProxyRequest(call.provider(), "chat.completions", "POST", "/chat/completions",
        call.query(), call.headers(), RouterJson.write(chat), call.credential(), call.proxyId(), call.requestId(),
        call.model(), call.timeoutMs(), null, 0);
    return new CallPlan(toProvider,
        reply -> {
          if (reply instanceof ProxyResponse answer && answer.status() / 100 == 2) {
            JsonNode completion = answerJson(call.provider(), answer);
            return json(200, responses.toResponse(body, completion, created), Map.of(), answer);
          }
          return reply;
        },
        head -> new TranslatingTransform(new OpenAiChunkSource(call.provider(), call.model()),
            new ResponsesSink(new ResponsesStreamBridge(body, ids, created)), call.model()));
  }

  private CallPlan translated(ProxyRequest call, JsonNode body, boolean isResponses, long created) {
    ChatTranslator translator = translators.require(call.provider());
    JsonNode chat = isResponses ? responses.toChatRequest(body) : body;
    boolean stream = call.stream();
    NativeEndpoint endpoint = NativeEndpoint.chat(call.provider(), call.model(), stream);
    ObjectNode nativeBody = translator.toNativeRequest(chat, call.model());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("content-type", "application/json")
        .add("accept", stream ? "text/event-stream" : "application/json");
    ProxyRequest toProvider = new ProxyRequest(call.provider(), endpoint.operation(), "POST", endpoint.path(),
        endpoint.query(), headers, RouterJson.write(nativeBody), call.credential(), call.proxyId(), call.requestId(),
        call.model(), call.timeoutMs(), null, 0);
    return new CallPlan(toProvider,
        reply -> {
          if (!(reply instanceof ProxyResponse answer)) {
            return reply;
          }
          if (answer.status() / 100 != 2) {
            TranslatedError error = translator.translateError(answer.status(), bytes(answer.body()),
                headerMap(answer.headers()));
            return json(error.status(), error.body(), error.headers(), answer);
          }
          ResponseContext context = ResponseContext.of(chat, fallbackId(call.provider(), answer.headers()), created);
          ObjectNode completion = translator.toChatCompletion(answerJson(call.provider(), answer), context);
          return json(200, isResponses ? responses.toResponse(body, completion, created) : completion, Map.of(), answer);
        },
        head -> {
          ResponseContext context = ResponseContext.of(chat, fallbackId(call.provider(), head.headers()), created);
          ChunkSink sink = isResponses ? new ResponsesSink(new ResponsesStreamBridge(body, ids, created))
              : new ChatChunkSink();
          return new TranslatingTransform(
              new NativeChunkSource(call.provider(), translator.newStreamTranslator(context)), sink, call.model());
        });
  }

  private static JsonNode answerJson(String provider, ProxyResponse answer) {
    JsonNode json = RouterJson.parseAnswer(answer.body());
    if (json == null || !json.isObject()) {
      throw GatewayError.upstreamUnreachable("The " + provider + " answer is not a JSON object.").toException();
    }
    return json;
  }

  /** Bedrock names no completion id in its body; its request id stands in, as the translator expects. */
  private String fallbackId(String provider, MultiMap headers) {
    String requestId = provider.equals("bedrock") && headers != null ? headers.get("x-amzn-requestid") : null;
    return requestId != null ? requestId : ids.mint("chatcmpl-");
  }

  private static ProxyResponse json(int status, JsonNode body, Map<String, String> extraHeaders, ProxyResponse from) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    extraHeaders.forEach(headers::set);
    return new ProxyResponse(status, headers, RouterJson.write(body), from.usage());
  }

  private static byte[] bytes(Buffer body) {
    return body == null ? new byte[0] : body.getBytes();
  }

  private static Map<String, String> headerMap(MultiMap headers) {
    Map<String, String> map = new HashMap<>();
    if (headers != null) {
      headers.forEach(e -> map.putIfAbsent(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue()));
    }
    return map;
  }
}
