package dev.portcullis.router.call;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.NativeEndpoint;
import dev.portcullis.common.provider.OpenAiCompatibleSpec;
import dev.portcullis.common.provider.Operation;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.provider.RouterRole;
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
 *   <li>OpenAI-compatible provider ({@link RouterRole#OPENAI_COMPATIBLE}), chat, or Responses where the
 *       provider serves it itself ({@link ProviderDescriptor#servesResponses()}): the body goes on with
 *       only its {@code model} rewritten to the native id, and the answer comes back untouched;</li>
 *   <li>OpenAI-compatible provider, Responses: the request becomes a chat request, and the chat
 *       answer becomes a response (streams event by event);</li>
 *   <li>translated provider ({@link RouterRole#TRANSLATED}): the chat request (from Responses if need be) is
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
   * @throws dev.portcullis.common.error.GatewayException for requests that cannot be made
   */
  CallPlan plan(ProxyRequest call) {
    ProviderDescriptor provider = Providers.named(call.provider());
    if (provider == null) {
      throw GatewayError.invalidRequest("Unknown provider '" + call.provider() + "'. The model router knows: "
          + String.join(", ", Providers.sortedNames()) + ".", "model").toException();
    }
    boolean isResponses = Operation.named(call.operation()) == Operation.ROUTER_RESPONSES;
    JsonNode body = RouterJson.parseRequest(call.body());
    long created = System.currentTimeMillis() / 1000;
    if (provider.routerRole() == RouterRole.OPENAI_COMPATIBLE) {
      if (!isResponses || provider.servesResponses()) {
        return forwarded(call, (ObjectNode) body, isResponses ? Operation.RESPONSES : Operation.CHAT_COMPLETIONS);
      }
      return responsesOverCompatibleChat(call, body, created);
    }
    return translated(provider, call, body, isResponses, created);
  }

  private static CallPlan forwarded(ProxyRequest call, ObjectNode body, Operation operation) {
    body.put("model", call.model());
    ProxyRequest toProvider = toProvider(call, operation, OpenAiCompatibleSpec.PATHS.get(operation), call.query(),
        call.headers(), body);
    return new CallPlan(toProvider, reply -> reply, head -> PassthroughTransform.INSTANCE);
  }

  /** The call for the provider verticle: the gateway's, with its own operation, route and body, not streamed. */
  private static ProxyRequest toProvider(ProxyRequest call, Operation operation, String path, String query,
      MultiMap headers, JsonNode body) {
    return call.toBuilder().operation(operation.wireName()).method("POST").path(path).query(query).headers(headers)
        .body(RouterJson.write(body)).stream(null, 0).build();
  }

  private CallPlan responsesOverCompatibleChat(ProxyRequest call, JsonNode body, long created) {
    ObjectNode chat = responses.toChatRequest(body);
    chat.put("model", call.model());
    ProxyRequest toProvider = toProvider(call, Operation.CHAT_COMPLETIONS,
        OpenAiCompatibleSpec.PATHS.get(Operation.CHAT_COMPLETIONS), call.query(), call.headers(), chat);
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

  private CallPlan translated(ProviderDescriptor provider, ProxyRequest call, JsonNode body, boolean isResponses,
      long created) {
    ChatTranslator translator = translators.require(call.provider());
    JsonNode chat = isResponses ? responses.toChatRequest(body) : body;
    boolean stream = call.stream();
    NativeEndpoint endpoint = provider.chatEndpoint().of(call.model(), stream);
    ObjectNode nativeBody = translator.toNativeRequest(chat, call.model());
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("content-type", "application/json")
        .add("accept", stream ? "text/event-stream" : "application/json");
    ProxyRequest toProvider = toProvider(call, endpoint.operation(), endpoint.path(), endpoint.query(), headers,
        nativeBody);
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
          ResponseContext context = ResponseContext.of(chat, fallbackId(provider, answer.headers()), created);
          ObjectNode completion = translator.toChatCompletion(answerJson(call.provider(), answer), context);
          return json(200, isResponses ? responses.toResponse(body, completion, created) : completion, Map.of(), answer);
        },
        head -> {
          ResponseContext context = ResponseContext.of(chat, fallbackId(provider, head.headers()), created);
          ChunkSink sink = isResponses ? new ResponsesSink(new ResponsesStreamBridge(body, ids, created))
              : new ChatChunkSink();
          return new TranslatingTransform(
              new NativeChunkSource(provider, translator.newStreamTranslator(context)), sink, call.model());
        });
  }

  private static JsonNode answerJson(String provider, ProxyResponse answer) {
    JsonNode json = RouterJson.parseAnswer(answer.body());
    if (json == null || !json.isObject()) {
      throw GatewayError.upstreamUnreachable("The " + provider + " answer is not a JSON object.").toException();
    }
    return json;
  }

  /**
   * The completion id when the answer names none: a provider whose answers carry no id of their own
   * (Bedrock) has its request id stand in, as its translator expects; any other gets a minted one.
   */
  private String fallbackId(ProviderDescriptor provider, MultiMap headers) {
    String requestId = !provider.answersNameTheirId() && provider.requestIdHeader() != null && headers != null
        ? headers.get(provider.requestIdHeader()) : null;
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
