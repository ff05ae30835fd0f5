package dev.portcullis.provider.azure;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;

/**
 * A classic resource's data-plane deployment list
 * ({@code {"object":"list","data":[{"id","model","owner","object":"deployment","status","created_at"}]}})
 * in OpenAI's model-list format, which the OpenAI SDKs calling {@code /v1/azure/models} read:
 * {@code {"object":"list","data":[{"id":<deployment>,"object":"model","created","owned_by"}]}}.
 * The id is the deployment name, since that is what a request's {@code model} names. Only
 * deployments that can answer are listed: status absent or {@code succeeded}.
 */
final class AzureDeploymentList {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AzureDeploymentList() {}

  static Buffer toOpenAiModels(Buffer deployments) {
    JsonNode root;
    try {
      root = MAPPER.readTree(deployments.getBytes());
    } catch (IOException e) {
      throw unreadable();
    }
    if (root == null || !root.path("data").isArray()) {
      throw unreadable();
    }
    ObjectNode out = MAPPER.createObjectNode().put("object", "list");
    ArrayNode data = out.putArray("data");
    for (JsonNode deployment : root.get("data")) {
      String id = deployment.path("id").asText(null);
      String status = deployment.path("status").asText(null);
      if (id == null || (status != null && !"succeeded".equals(status))) {
        continue;
      }
      String owner = deployment.path("owner").asText(null);
      data.addObject()
          .put("id", id)
          .put("object", "model")
          .put("created", deployment.path("created_at").asLong(0))
          .put("owned_by", owner == null || owner.isEmpty() ? "azure" : owner);
    }
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(out));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static RuntimeException unreadable() {
    return GatewayError.upstreamUnreachable(
        "Azure AI Foundry answered the deployment list with something other than a deployment list.").toException();
  }
}
