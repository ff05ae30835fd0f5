package dev.portcullis.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.error.GatewayError;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Vertex AI's publisher-model list
 * ({@code {"publisherModels":[{"name":"publishers/google/models/<id>","versionId",...}],"nextPageToken"}})
 * in the AI Studio format the Gemini clients calling {@code /v1beta/models} read
 * ({@code {"models":[{"name":"models/<id>","version",...}],"nextPageToken"}}). Only what Vertex
 * gives is mapped; Gemini models are listed with the generation methods the gateway routes to them.
 */
final class VertexModelList {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final String PUBLISHER_PREFIX = "publishers/google/models/";
  /** The client's list parameters; AI Studio and Vertex AI name them alike. */
  private static final Set<String> PAGE_PARAMETERS = Set.of("pageSize", "pageToken");

  private VertexModelList() {}

  /** The client's {@code pageSize} and {@code pageToken}, the only parameters both lists share. */
  static String pageQuery(String clientQuery) {
    if (clientQuery == null) {
      return null;
    }
    return Arrays.stream(clientQuery.split("&"))
        .filter(pair -> PAGE_PARAMETERS.contains(pair.split("=", 2)[0]))
        .collect(Collectors.joining("&"));
  }

  static Buffer toGeminiModels(Buffer publisherModels) {
    JsonNode root;
    try {
      root = MAPPER.readTree(publisherModels.getBytes());
    } catch (IOException e) {
      throw unreadable();
    }
    if (root == null || !root.isObject()) {
      throw unreadable();
    }
    ObjectNode out = MAPPER.createObjectNode();
    ArrayNode models = out.putArray("models");
    for (JsonNode publisherModel : root.path("publisherModels")) {
      String name = publisherModel.path("name").asText(null);
      if (name == null) {
        continue;
      }
      String id = name.startsWith(PUBLISHER_PREFIX) ? name.substring(PUBLISHER_PREFIX.length())
          : name.substring(name.lastIndexOf('/') + 1);
      ObjectNode model = models.addObject().put("name", "models/" + id);
      copyText(publisherModel, "versionId", model, "version");
      copyText(publisherModel, "displayName", model, "displayName");
      copyText(publisherModel, "description", model, "description");
      if (id.startsWith("gemini-")) {
        model.putArray("supportedGenerationMethods")
            .add("generateContent").add("streamGenerateContent").add("countTokens");
      }
    }
    copyText(root, "nextPageToken", out, "nextPageToken");
    try {
      return Buffer.buffer(MAPPER.writeValueAsBytes(out));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void copyText(JsonNode from, String fromField, ObjectNode to, String toField) {
    JsonNode value = from.get(fromField);
    if (value != null && value.isTextual() && !value.asText().isEmpty()) {
      to.put(toField, value.asText());
    }
  }

  private static RuntimeException unreadable() {
    return GatewayError.upstreamUnreachable(
        "Vertex AI answered the model list with something other than a publisher-model list.").toException();
  }
}
