package dev.portcullis.router;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.BusCodecs;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.error.GatewayException;
import dev.portcullis.common.router.ModelListRequest;
import dev.portcullis.router.call.ChatCalls;
import dev.portcullis.router.call.ChatRouting;
import dev.portcullis.router.call.ProviderBus;
import dev.portcullis.router.models.ModelCatalog;
import dev.portcullis.router.models.ModelListCache;
import dev.portcullis.router.translate.TranslatorRegistry;
import dev.portcullis.router.translate.openai.IdMinter;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model router ({@code portcullis.router.model}): one OpenAI-compatible API over every
 * provider. Chat completions and Responses calls are forwarded or translated to the target
 * provider's verticle ({@link ChatRouting}, {@link ChatCalls}); {@code /models} gathers every
 * mapped provider's list ({@link ModelCatalog}). Replies, like a provider verticle's, are a
 * {@code ProxyResponse}, the HEAD of a stream, or a {@code GatewayError}.
 */
public final class ModelRouterVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRouterVerticle.class);

  private final ModelListCache modelLists;
  private MessageConsumer<Object> consumer;
  private ChatCalls chat;
  private ModelCatalog models;

  /** @param modelLists shared by every instance of the process */
  public ModelRouterVerticle(ModelListCache modelLists) {
    this.modelLists = modelLists;
  }

  @Override
  public Future<?> start() {
    BusCodecs.register(vertx);
    IdMinter ids = IdMinter.random();
    ProviderBus bus = new ProviderBus(vertx);
    chat = new ChatCalls(vertx, bus, new ChatRouting(TranslatorRegistry.standard(ids), ids));
    models = new ModelCatalog(bus, modelLists);
    consumer = vertx.eventBus().consumer(Addresses.ROUTER_MODEL, this::handle);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    return consumer.unregister();
  }

  /**
   * Every request gets one reply, whatever a step throws: a bug is answered at once with a 500 and
   * logged once with its stack trace, so the gateway never waits for the bus timeout.
   */
  private void handle(Message<Object> message) {
    Object body = message.body();
    Future<Object> reply;
    try {
      if (body instanceof ModelListRequest list) {
        reply = models.list(list).map(r -> r);
      } else if (body instanceof ProxyRequest call) {
        reply = chat.handle(call);
      } else {
        reply = Future.failedFuture(GatewayError.internal("The model router got a message it does not know.")
            .toException());
      }
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable e) {
      // Anything a planning step throws, a bug included, is the answer: never leave the gateway waiting.
      reply = Future.failedFuture(e);
    }
    reply.onComplete(ar -> {
      Object answer;
      try {
        answer = ar.succeeded() ? ar.result() : errorOf(ar.cause());
      } catch (RuntimeException e) {
        answer = errorOf(e);
      }
      message.reply(answer);
    });
  }

  private static GatewayError errorOf(Throwable cause) {
    if (cause instanceof GatewayException e) {
      return e.error();
    }
    // Logged once, with the stack trace; the client's message holds nothing from the request.
    LOG.error("model router call failed", cause);
    return GatewayError.internal("The model router failed to handle the call; the Portcullis log has the details.");
  }
}
