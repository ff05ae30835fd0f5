package dev.portcullis.gateway.proxy;

import dev.portcullis.common.error.GatewayError;
import dev.portcullis.common.provider.ModelPlacement;
import dev.portcullis.common.provider.ProviderDescriptor;
import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.common.provider.Providers;
import dev.portcullis.gateway.routes.PathParts;
import java.util.Map;

/**
 * The checks on a model id before it may become part of an upstream URL path, decided by where the
 * provider places the model ({@link ModelPlacement}): nothing a client names may change which
 * upstream path is called. Each check answers the 400 to send, or {@code null} when the value is
 * safe to forward.
 */
final class ModelPathChecks {

  private ModelPathChecks() {}

  /** The 400 for a path parameter of the route that could change the upstream path, or {@code null}. */
  static GatewayError pathParamProblem(ProviderRoute route, Map<String, String> params) {
    boolean slashesAllowed = placementOf(route.provider()).slashesAllowed();
    for (Map.Entry<String, String> param : params.entrySet()) {
      String problem = PathParts.problemWithEncoded(param.getValue(), slashesAllowed);
      if (problem != null) {
        return GatewayError.invalidRequest("The " + param.getKey() + " in the path " + problem + ".", param.getKey());
      }
    }
    return null;
  }

  /** The 400 for a model named in the body that the provider places in its upstream path, or {@code null}. */
  static GatewayError bodyModelProblem(ProviderRoute route, String model) {
    if (model == null || route.modelField() == null) {
      return null;
    }
    ModelPlacement placement = placementOf(route.provider());
    if (!placement.bodyModelGoesIntoPath()) {
      return null;
    }
    String problem = PathParts.problemWithDecoded(model, placement.slashesAllowed());
    if (problem == null) {
      return null;
    }
    String subject = placement == ModelPlacement.DEPLOYMENT_SEGMENT
        // The deployment segment of a classic Azure endpoint, /deployments/{model}/...
        ? "'" + model + "' is not an Azure deployment name: it "
        : "'" + route.modelField() + "' ";
    return GatewayError.invalidRequest(subject + problem + ".", route.modelField());
  }

  /**
   * What is wrong with the native id of a model router model ({@code <provider>:<native id>}) that
   * the router's translator places in the provider's upstream path, or {@code null}. A deployment
   * name goes upstream in the body's {@code model}, which the provider verticle checks itself.
   */
  static String nativeIdProblem(ProviderDescriptor provider, String nativeId) {
    return switch (provider.modelPlacement()) {
      case PATH_SEGMENT -> PathParts.problemWithDecoded(provider.modelIdInPath(nativeId), false);
      case ARN_SEGMENT -> PathParts.problemWithDecoded(nativeId, true);
      case BODY, DEPLOYMENT_SEGMENT -> null;
    };
  }

  /** The model router's own routes are no provider's: their models stay in the body. */
  private static ModelPlacement placementOf(String provider) {
    ProviderDescriptor descriptor = Providers.named(provider);
    return descriptor == null ? ModelPlacement.BODY : descriptor.modelPlacement();
  }
}
