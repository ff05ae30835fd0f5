package dev.portcullis.app;

import dev.portcullis.common.Addresses;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.UpstreamCredential;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;

/**
 * Sends a {@link ProxyRequest} with a resolved credential straight to a provider verticle, as the
 * gateway will once it authenticates callers (virtual keys, server-side identities): the only way
 * to drive the credential paths of a provider before that work lands.
 */
final class ProviderBus {

  private ProviderBus() {}

  static Object call(Vertx vertx, String provider, String operation, String method, String path, MultiMap headers,
      String body, String model, UpstreamCredential credential) {
    ProxyRequest request = ProxyRequest.builder().provider(provider).operation(operation).method(method).path(path)
        .headers(headers).body(body == null ? Buffer.buffer() : Buffer.buffer(body)).credential(credential)
        .requestId("test-" + System.nanoTime()).model(model).timeoutMs(10_000).build();
    return vertx.eventBus().request(Addresses.provider(provider), request).await().body();
  }

  static MultiMap jsonHeaders(String authorization) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    if (authorization != null) {
      headers.add("Authorization", authorization);
    }
    return headers;
  }
}
