package dev.portcullis.testkit;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Bedrock's ListInferenceProfiles ({@code GET /inference-profiles}) for a test upstream: serves the
 * given profile summaries in pages of a fixed size, whatever {@code maxResults} asks, each page but
 * the last with an opaque {@code nextToken}. Tokens are base64 with {@code +}, {@code /} and
 * {@code =} in them, as AWS's are, so a caller must encode them in the query.
 */
public final class InferenceProfilesFake implements UpstreamResponder {

  private final List<JsonObject> profiles;
  private final int pageSize;

  public InferenceProfilesFake(List<JsonObject> profiles, int pageSize) {
    this.profiles = List.copyOf(profiles);
    this.pageSize = pageSize;
  }

  /** One profile summary as ListInferenceProfiles returns it. */
  public static JsonObject profile(String id, String status) {
    String region = id.substring(0, id.indexOf('.'));
    return new JsonObject()
        .put("inferenceProfileId", id)
        .put("inferenceProfileName", region.toUpperCase() + " " + id.substring(id.indexOf('.') + 1))
        .put("inferenceProfileArn", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/" + id)
        .put("description", "Routes requests to " + id)
        .put("status", status)
        .put("type", "SYSTEM_DEFINED")
        .put("models", new JsonArray().add(new JsonObject()
            .put("modelArn", "arn:aws:bedrock:us-east-1::foundation-model/" + id.substring(id.indexOf('.') + 1))))
        .put("createdAt", "2025-01-01T00:00:00Z")
        .put("updatedAt", "2025-06-01T00:00:00Z");
  }

  /** The nextToken that points at the page starting at {@code offset}. */
  public static String token(int offset) {
    // Bytes chosen so the base64 text holds '+', '/' and '=' padding.
    byte[] raw = ("\u00fb\u00ff" + offset + "?>").getBytes(StandardCharsets.ISO_8859_1);
    return Base64.getEncoder().encodeToString(raw);
  }

  @Override
  public void respond(HttpServerRequest request, Buffer body) {
    String next = request.getParam("nextToken");
    int offset = 0;
    if (next != null) {
      offset = -1;
      for (int candidate = 0; candidate <= profiles.size(); candidate += pageSize) {
        if (token(candidate).equals(next)) {
          offset = candidate;
        }
      }
      if (offset < 0) {
        request.response().setStatusCode(400).putHeader("content-type", "application/json")
            .putHeader("x-amzn-ErrorType", "ValidationException")
            .end(new JsonObject().put("message", "Invalid nextToken").encode());
        return;
      }
    }
    int end = Math.min(profiles.size(), offset + pageSize);
    JsonObject page = new JsonObject().put("inferenceProfileSummaries", new JsonArray(new ArrayList<>(
        profiles.subList(offset, end))));
    if (end < profiles.size()) {
      page.put("nextToken", token(end));
    }
    request.response().putHeader("content-type", "application/json").end(page.encode());
  }
}
