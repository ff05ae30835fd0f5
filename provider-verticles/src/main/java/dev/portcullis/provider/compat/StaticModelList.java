package dev.portcullis.provider.compat;

import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * A model list in OpenAI's format ({@code {"object":"list","data":[{"id","object":"model",...}]}})
 * for a provider that has no models endpoint, built once from its configured model ids.
 */
final class StaticModelList {

  private final Buffer body;

  StaticModelList(String ownedBy, List<String> ids) {
    JsonArray data = new JsonArray();
    ids.forEach(id -> data.add(new JsonObject()
        .put("id", id)
        .put("object", "model")
        // No creation time is known; 0 keeps the field present for clients that require it.
        .put("created", 0)
        .put("owned_by", ownedBy)));
    this.body = new JsonObject().put("object", "list").put("data", data).toBuffer();
  }

  ProxyResponse response() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json");
    // A fresh slice per answer: the gateway writes it out, and a Buffer is not safe to share for that.
    return new ProxyResponse(200, headers, body.copy(), Usage.UNKNOWN);
  }
}
