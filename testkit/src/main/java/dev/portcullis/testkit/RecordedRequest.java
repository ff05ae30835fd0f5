package dev.portcullis.testkit;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/** What a test upstream received: method, raw path and query, headers and the exact body bytes. */
public record RecordedRequest(String method, String path, String query, MultiMap headers, Buffer body) {

  public String header(String name) {
    return headers.get(name);
  }

  public JsonObject json() {
    return body.toJsonObject();
  }

  public String bodyText() {
    return body.toString();
  }
}
