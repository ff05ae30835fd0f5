package dev.portcullis.router.models;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.UpstreamCredential;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.NativeEndpoint;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.common.router.ModelId;
import dev.portcullis.common.router.ModelListRequest;
import dev.portcullis.router.call.ProviderBus;
import dev.portcullis.router.call.RouterJson;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The model router's {@code /models}: every mapped provider's own model discovery, asked in
 * parallel, as OpenAI model objects with ids {@code <provider>:<native id>}, sorted by provider
 * then id. A provider that fails to list is left out (and logged): one provider down must not
 * hide the others. Lists are cached per provider and credential ({@link ModelListCache}), because
 * discovery calls are slow and their answers change rarely.
 */
public final class ModelCatalog {

  private static final Logger LOG = LoggerFactory.getLogger(ModelCatalog.class);
  private final ProviderBus bus;
  private final ModelListCache cache;

  public ModelCatalog(ProviderBus bus, ModelListCache cache) {
    this.bus = bus;
    this.cache = cache;
  }

  public Future<ProxyResponse> list(ModelListRequest request) {
    Map<String, UpstreamCredential> sorted = new TreeMap<>(request.credentials());
    List<String> providers = new ArrayList<>(sorted.keySet());
    List<Future<List<ListedModel>>> parts = new ArrayList<>();
    for (String provider : providers) {
      parts.add(modelsOf(provider, sorted.get(provider), request).recover(failure -> {
        LOG.warn("{}: {} left out of the model list: {}", request.requestId(), provider, failure.getMessage());
        return Future.succeededFuture(List.of());
      }));
    }
    return Future.join(parts).map(all -> {
      ObjectNode answer = JsonNodeFactory.instance.objectNode().put("object", "list");
      ArrayNode data = answer.putArray("data");
      for (int i = 0; i < providers.size(); i++) {
        String provider = providers.get(i);
        parts.get(i).result().stream().sorted(Comparator.comparing(ListedModel::id)).forEach(model ->
            data.addObject().put("id", new ModelId(provider, model.id()).toString()).put("object", "model")
                .put("created", model.created()).put("owned_by", provider));
      }
      return new ProxyResponse(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"),
          RouterJson.write(answer), Usage.UNKNOWN);
    });
  }

  private Future<List<ListedModel>> modelsOf(String provider, UpstreamCredential credential,
      ModelListRequest request) {
    List<ListedModel> cached = cache.get(provider, credential);
    if (cached != null) {
      return Future.succeededFuture(cached);
    }
    ProviderDescriptor descriptor = Providers.named(provider);
    if (descriptor == null) {
      return Future.failedFuture("it is not a provider Portcullis knows");
    }
    NativeEndpoint endpoint = descriptor.modelList();
    ProxyRequest call = ProxyRequest.builder().provider(provider).operation(endpoint.operation().wireName())
        .method("GET").path(endpoint.path()).query(endpoint.query())
        .headers(MultiMap.caseInsensitiveMultiMap().add("accept", "application/json")).body(Buffer.buffer())
        .credential(credential).proxyId(request.proxyId()).requestId(request.requestId())
        .timeoutMs(request.timeoutMs()).build();
    return bus.request(call).compose(reply -> {
      if (reply instanceof ProxyResponse answer && answer.status() / 100 == 2) {
        try {
          List<ListedModel> models = List.copyOf(ProviderModelLists.read(provider, RouterJson.parseAnswer(answer.body())));
          cache.put(provider, credential, models);
          return Future.succeededFuture(models);
        } catch (IllegalArgumentException e) {
          return Future.failedFuture("its model list could not be read: " + e.getMessage());
        }
      }
      if (reply instanceof ProxyResponse answer) {
        return Future.failedFuture("its model list answered HTTP " + answer.status());
      }
      if (reply instanceof GatewayError error) {
        return Future.failedFuture(error.message());
      }
      return Future.failedFuture("unexpected reply " + reply.getClass().getSimpleName());
    });
  }
}
