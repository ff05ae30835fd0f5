package dev.portcullis.gateway.proxy;

import dev.portcullis.common.provider.ProviderRoute;
import dev.portcullis.common.provider.StreamMode;
import io.vertx.core.buffer.Buffer;
import java.util.Map;

/**
 * What routing needs to know of a call before it is sent: which model it names and whether its
 * answer streams. The route says where to look: a model in the path or in the body's model field,
 * and a stream that always, never, or by the body's {@code stream} flag. Only JSON bodies are read
 * ({@link RoutingFields}); other bodies are forwarded unread.
 */
final class BodySniffer {

  /**
   * @param bodyModel the model named in the body, or {@code null}
   * @param model     the model the call names, the body's before the path's, or {@code null}
   * @param stream    whether the answer streams
   */
  record Sniffed(String bodyModel, String model, boolean stream) {}

  private final RoutingFields.Reader reader;

  /** @param bodyLimitBytes the largest body accepted, which bounds the JSON read */
  BodySniffer(long bodyLimitBytes) {
    this.reader = new RoutingFields.Reader(bodyLimitBytes);
  }

  /** Whether the route's answers stream whatever the body says (known before the body is read). */
  static boolean alwaysStreams(ProviderRoute route) {
    return route.streamMode() == StreamMode.ALWAYS;
  }

  /** @throws dev.portcullis.common.error.GatewayException a 400 for a JSON body that cannot be read */
  Sniffed sniff(ProviderRoute route, Map<String, String> params, Buffer body) {
    String pathModel = route.modelParam() == null ? null : params.get(route.modelParam());
    boolean stream = alwaysStreams(route);
    if (!route.jsonBody()) {
      return new Sniffed(null, pathModel, stream);
    }
    RoutingFields fields = reader.read(body, route.modelField());
    if (route.streamMode() == StreamMode.BODY_FLAG) {
      stream = Boolean.TRUE.equals(fields.stream());
    }
    String bodyModel = fields.model();
    return new Sniffed(bodyModel, bodyModel != null ? bodyModel : pathModel, stream);
  }
}
