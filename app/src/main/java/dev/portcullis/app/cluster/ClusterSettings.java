package dev.portcullis.app.cluster;

import dev.portcullis.common.settings.SettingsException;
import dev.portcullis.common.settings.Settings;
import java.util.List;

/**
 * Settings of clustered mode: several processes, each running some roles, joined into one event
 * bus by Hazelcast. Members are found through a fixed TCP-IP list (compose, laptops) or
 * Hazelcast's Kubernetes discovery (a headless Service); multicast is never used. Read and checked before anything starts, like every other setting.
 *
 * @param enabled             {@code PORTCULLIS_CLUSTER} or {@code --cluster}
 * @param name                Hazelcast cluster name: processes with another name never join
 * @param members             {@code host[:port]} entries of the TCP-IP member list
 * @param kubernetes          use Hazelcast's Kubernetes discovery instead of the member list
 * @param kubernetesService   the headless Service's DNS name (Kubernetes discovery by DNS lookup)
 * @param host                address Hazelcast and the event bus bind to
 * @param publicHost          address other members use to reach this one (a pod IP, a compose service name)
 * @param port                Hazelcast member port (auto-incremented when taken, as Hazelcast does)
 * @param eventBusPort        event-bus TCP port (0: any free port, which suits most deployments)
 * @param failureDetectionSeconds how long a silent member is kept before it is taken for dead
 * @param tls                 the event bus's TLS material; {@code null} only when
 *                            {@code PORTCULLIS_CLUSTER_INSECURE=true} and none is given (or not clustered)
 */
public record ClusterSettings(boolean enabled, String name, List<String> members, boolean kubernetes,
    String kubernetesService, String host, String publicHost, int port, int eventBusPort,
    int failureDetectionSeconds, ClusterTls tls) {

  public static final String CLUSTER = "PORTCULLIS_CLUSTER";
  public static final String NAME = "PORTCULLIS_CLUSTER_NAME";
  public static final String MEMBERS = "PORTCULLIS_CLUSTER_MEMBERS";
  public static final String KUBERNETES = "PORTCULLIS_CLUSTER_KUBERNETES";
  public static final String KUBERNETES_SERVICE = "PORTCULLIS_CLUSTER_KUBERNETES_SERVICE_DNS";
  public static final String HOST = "PORTCULLIS_CLUSTER_HOST";
  public static final String PUBLIC_HOST = "PORTCULLIS_CLUSTER_PUBLIC_HOST";
  public static final String PORT = "PORTCULLIS_CLUSTER_PORT";
  public static final String EVENT_BUS_PORT = "PORTCULLIS_EVENTBUS_PORT";
  public static final String FAILURE_DETECTION = "PORTCULLIS_CLUSTER_FAILURE_DETECTION_SECONDS";

  public static ClusterSettings from(Settings settings) {
    boolean enabled = settings.bool(CLUSTER, false);
    List<String> members = settings.list(MEMBERS);
    boolean kubernetes = settings.bool(KUBERNETES, false);
    String service = settings.string(KUBERNETES_SERVICE);
    if (enabled && kubernetes && service == null) {
      throw new SettingsException(KUBERNETES_SERVICE, "is required when " + KUBERNETES
          + "=true (the headless Service's DNS name, e.g. portcullis-cluster.default.svc.cluster.local)");
    }
    if (enabled && !kubernetes && members.isEmpty()) {
      throw new SettingsException(MEMBERS, "is required in clustered mode unless " + KUBERNETES
          + "=true (a comma-separated list of host or host:port, e.g. gateway:5701,auth:5701)");
    }
    for (String member : members) {
      checkMember(member);
    }
    String host = settings.string(HOST, "0.0.0.0");
    ClusterTls tls = enabled ? ClusterTls.from(settings) : null;
    return new ClusterSettings(enabled, settings.string(NAME, "portcullis"), members, kubernetes, service, host,
        settings.string(PUBLIC_HOST), settings.port(PORT, 5701), settings.port(EVENT_BUS_PORT, 0),
        (int) settings.longValue(FAILURE_DETECTION, 60, 2, 600), tls);
  }

  private static void checkMember(String member) {
    int colon = member.lastIndexOf(':');
    if (colon < 0) {
      return;
    }
    try {
      int port = Integer.parseInt(member.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new NumberFormatException();
      }
    } catch (NumberFormatException e) {
      throw new SettingsException(MEMBERS, "'" + member + "' is not host or host:port");
    }
  }
}
