package dev.portcullis.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.common.bus.ProxyRequest;
import dev.portcullis.common.bus.ProxyResponse;
import dev.portcullis.common.bus.Usage;
import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.http.ForwardedHeaders;
import dev.portcullis.common.http.PathSegments;
import dev.portcullis.provider.UpstreamCall;
import dev.portcullis.provider.UpstreamClient;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/**
 * Bedrock's model list: the account's inference profiles from ListInferenceProfiles
 * ({@code GET /inference-profiles} on the control plane), every page followed through
 * {@code nextToken}, {@code ACTIVE} ones only, filtered by provider (the
 * segment after the region prefix of {@code us.anthropic.claude-…}, from
 * {@code ARCHESTRA_BEDROCK_ALLOWED_PROVIDERS}) and by region prefix (from
 * {@code ARCHESTRA_BEDROCK_ALLOWED_INFERENCE_REGIONS}); an empty filter allows all.
 *
 * <p>The answer is {@code {"object":"list","data":[{"id","name","arn","provider","region","type",
 * "description"}]}}: {@code id} is the inference profile id, usable as a Converse {@code modelId}.
 * An upstream error page is answered as Bedrock sent it.
 */
final class InferenceProfileModels {

  static final String ALLOWED_PROVIDERS = "ARCHESTRA_BEDROCK_ALLOWED_PROVIDERS";
  static final String ALLOWED_REGIONS = "ARCHESTRA_BEDROCK_ALLOWED_INFERENCE_REGIONS";

  /** A bound on pages, so a control plane that keeps answering with a token cannot hold the call forever. */
  private static final int MAX_PAGES = 100;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String controlPlaneUrl;
  private final BedrockAuthentication authentication;
  private final List<String> allowedProviders;
  private final List<String> allowedRegions;

  InferenceProfileModels(String controlPlaneUrl, BedrockAuthentication authentication, List<String> allowedProviders,
      List<String> allowedRegions) {
    this.controlPlaneUrl = controlPlaneUrl;
    this.authentication = authentication;
    this.allowedProviders = lower(allowedProviders);
    this.allowedRegions = lower(allowedRegions);
  }

  Future<ProxyResponse> list(UpstreamClient client, ProxyRequest request) {
    ObjectNode answer = MAPPER.createObjectNode().put("object", "list");
    return page(client, request, null, answer.putArray("data"), 1)
        .map(error -> error != null ? error
            : new ProxyResponse(200, MultiMap.caseInsensitiveMultiMap().add("content-type", "application/json"),
                Buffer.buffer(answer.toString()), Usage.UNKNOWN));
  }

  /** Collects one page and the ones after it; completes with {@code null}, or with the upstream's error answer. */
  private Future<ProxyResponse> page(UpstreamClient client, ProxyRequest request, String nextToken, ArrayNode data,
      int number) {
    String url = controlPlaneUrl + "/inference-profiles?maxResults=1000"
        + (nextToken == null ? "" : "&nextToken=" + PathSegments.encode(nextToken));
    MultiMap clientHeaders = MultiMap.caseInsensitiveMultiMap().addAll(request.headers());
    clientHeaders.remove("content-type");
    return authentication.headersFor(request.credential(), "GET", url, clientHeaders, Buffer.buffer())
        .compose(headers -> client.open(new UpstreamCall("GET", url, headers, Buffer.buffer()), request.timeoutMs()))
        .compose(upstream -> upstream.send())
        .compose(response -> response.body().compose(body -> {
          if (response.statusCode() / 100 != 2) {
            return Future.succeededFuture(nativeError(response, body));
          }
          String next = collect(body, data);
          if (next == null) {
            return Future.succeededFuture(null);
          }
          if (number >= MAX_PAGES) {
            return Future.failedFuture(GatewayError.upstreamUnreachable("ListInferenceProfiles kept answering "
                + "with a nextToken after " + MAX_PAGES + " pages.").toException());
          }
          return page(client, request, next, data, number + 1);
        }));
  }

  private static ProxyResponse nativeError(HttpClientResponse response, Buffer body) {
    return new ProxyResponse(response.statusCode(), ForwardedHeaders.downstream(response.headers()), body,
        Usage.UNKNOWN);
  }

  /** Adds the page's allowed profiles to {@code data}; returns the next token, or {@code null} on the last page. */
  private String collect(Buffer body, ArrayNode data) {
    JsonNode page;
    try {
      page = MAPPER.readTree(body.getBytes());
    } catch (IOException e) {
      throw GatewayError.upstreamUnreachable("ListInferenceProfiles answered with a body that is not JSON.")
          .toException();
    }
    for (JsonNode profile : page.path("inferenceProfileSummaries")) {
      String id = profile.path("inferenceProfileId").asText("");
      if (!"ACTIVE".equals(profile.path("status").asText()) || id.isEmpty()) {
        continue;
      }
      String[] segments = id.split("\\.");
      String region = segments.length >= 3 ? segments[0] : null;
      String provider = segments.length >= 3 ? segments[1] : null;
      if (allows(allowedRegions, region) && allows(allowedProviders, provider)) {
        data.addObject()
            .put("id", id)
            .put("name", profile.path("inferenceProfileName").asText(null))
            .put("arn", profile.path("inferenceProfileArn").asText(null))
            .put("provider", provider)
            .put("region", region)
            .put("type", profile.path("type").asText(null))
            .put("description", profile.path("description").asText(null));
      }
    }
    String next = page.path("nextToken").asText("");
    return next.isEmpty() ? null : next;
  }

  private static boolean allows(List<String> allowed, String value) {
    return allowed.isEmpty() || value != null && allowed.contains(value.toLowerCase(Locale.ROOT));
  }

  private static List<String> lower(List<String> values) {
    return values.stream().map(v -> v.toLowerCase(Locale.ROOT)).toList();
  }
}
