package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * charts/portcullis: Helm's own lint and template (through helm-java), then the rendered manifests:
 * every role deployed with probes, and values flowing through (the seed's service-account
 * annotations, pod labels and env, replicas, the external PostgreSQL URL).
 */
class HelmChartTest {

  private static final Path CHART = Path.of("").toAbsolutePath().getParent().resolve("charts/portcullis");
  private static final List<String> ROLES = List.of("gateway", "auth", "router", "providers");

  private static List<Map<String, Object>> render(Map<String, Object> values) throws Exception {
    var template = new Helm(CHART).template().withName("pc").withNamespace("llm");
    values.forEach(template::set);
    String yaml = template.call();
    List<Map<String, Object>> manifests = new ArrayList<>();
    for (Object document : new Yaml().loadAll(yaml)) {
      if (document != null) {
        @SuppressWarnings("unchecked")
        Map<String, Object> manifest = (Map<String, Object>) document;
        manifests.add(manifest);
      }
    }
    return manifests;
  }

  private static List<Map<String, Object>> ofKind(List<Map<String, Object>> manifests, String kind) {
    return manifests.stream().filter(m -> kind.equals(m.get("kind"))).toList();
  }

  private static Map<String, Object> named(List<Map<String, Object>> manifests, String kind, String name) {
    return ofKind(manifests, kind).stream().filter(m -> name.equals(map(m, "metadata").get("name"))).findFirst()
        .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + manifests));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Map<String, Object> parent, String... path) {
    Map<String, Object> current = parent;
    for (String key : path) {
      current = (Map<String, Object>) current.get(key);
    }
    return current;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> container(Map<String, Object> deployment) {
    return ((List<Map<String, Object>>) map(deployment, "spec", "template", "spec").get("containers")).get(0);
  }

  @Test
  void helmLintPasses() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
  }

  @Test
  void helmLintFailsOnABrokenChart() throws Exception {
    // The same check on a copy with a template error, so the lint above can fail.
    Path copy = Files.createTempDirectory("portcullis-chart");
    try (var files = Files.walk(CHART)) {
      for (Path source : files.toList()) {
        Path target = copy.resolve(CHART.relativize(source).toString());
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.copy(source, target);
        }
      }
    }
    Files.writeString(copy.resolve("templates/broken.yaml"), "kind: ConfigMap\nmetadata:\n  name: {{ .Values.nope.missing }}\n");
    assertThat(new Helm(copy).lint().call().isFailed()).isTrue();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRoleIsDeployedWithProbesAutoscalingAndADisruptionBudget() throws Exception {
    List<Map<String, Object>> manifests = render(Map.of());
    for (String role : ROLES) {
      Map<String, Object> deployment = named(manifests, "Deployment", "pc-portcullis-" + role);
      Map<String, Object> container = container(deployment);
      assertThat((List<String>) container.get("args")).containsExactly("--cluster", "--roles", role);
      assertThat(container).containsKeys("readinessProbe", "livenessProbe");
      assertThat(map(deployment, "spec", "template", "spec").get("serviceAccountName")).isEqualTo("archestra-platform");
      assertThat(map(deployment, "spec", "template", "metadata", "labels")).containsEntry("app.kubernetes.io/component", role);
      named(manifests, "PodDisruptionBudget", "pc-portcullis-" + role);
    }
    assertThat(map(container(named(manifests, "Deployment", "pc-portcullis-gateway")), "readinessProbe", "httpGet"))
        .containsEntry("path", "/ready");
    assertThat(map(container(named(manifests, "Deployment", "pc-portcullis-gateway")), "livenessProbe", "httpGet"))
        .containsEntry("path", "/health");
    assertThat(ofKind(manifests, "HorizontalPodAutoscaler")).extracting(m -> map(m, "metadata").get("name"))
        .containsExactlyInAnyOrder("pc-portcullis-gateway", "pc-portcullis-router", "pc-portcullis-providers");

    Map<String, Object> headless = named(manifests, "Service", "pc-portcullis-cluster");
    assertThat(map(headless, "spec")).containsEntry("clusterIP", "None").containsEntry("publishNotReadyAddresses", true);
    assertThat(map(named(manifests, "Service", "pc-portcullis"), "spec", "selector"))
        .containsEntry("app.kubernetes.io/component", "gateway");
    Map<String, Object> config = map(named(manifests, "ConfigMap", "pc-portcullis-config"), "data");
    assertThat(config).containsEntry("PORTCULLIS_CLUSTER_KUBERNETES", "true")
        .containsEntry("PORTCULLIS_CLUSTER_KUBERNETES_SERVICE_DNS", "pc-portcullis-cluster.llm.svc.cluster.local");
    List<Map<String, Object>> rules = (List<Map<String, Object>>) named(manifests, "Role", "pc-portcullis-discovery").get("rules");
    assertThat((List<String>) rules.get(0).get("resources")).contains("endpoints", "pods");
    assertThat((List<String>) rules.get(0).get("verbs")).contains("get", "list");
    assertThat(named(manifests, "RoleBinding", "pc-portcullis-discovery")).isNotNull();
  }

  @Test
  void theSeedsGkeEksAndAksValuesFlowThrough() throws Exception {
    List<Map<String, Object>> manifests = render(Map.of(
        "archestra.orchestrator.kubernetes.serviceAccount.name", "archestra-platform",
        "archestra.orchestrator.kubernetes.serviceAccount.annotations.iam\\.gke\\.io/gcp-service-account",
        "archestra-vertex-ai@PROJECT_ID.iam.gserviceaccount.com",
        "archestra.orchestrator.kubernetes.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn",
        "arn:aws:iam::123456789012:role/bedrock",
        "archestra.orchestrator.kubernetes.serviceAccount.annotations.azure\\.workload\\.identity/client-id",
        "00000000-1111-2222-3333-444444444444",
        "archestra.orchestrator.kubernetes.podLabels.azure\\.workload\\.identity/use", "true",
        "archestra.env.ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", "true",
        "archestra.env.ARCHESTRA_GEMINI_VERTEX_AI_PROJECT", "PROJECT_ID"));
    Map<String, Object> account = named(manifests, "ServiceAccount", "archestra-platform");
    assertThat(map(account, "metadata", "annotations"))
        .containsEntry("iam.gke.io/gcp-service-account", "archestra-vertex-ai@PROJECT_ID.iam.gserviceaccount.com")
        .containsEntry("eks.amazonaws.com/role-arn", "arn:aws:iam::123456789012:role/bedrock")
        .containsEntry("azure.workload.identity/client-id", "00000000-1111-2222-3333-444444444444");
    for (String role : ROLES) {
      assertThat(map(named(manifests, "Deployment", "pc-portcullis-" + role), "spec", "template", "metadata", "labels"))
          .containsEntry("azure.workload.identity/use", "true");
    }
    assertThat(map(named(manifests, "ConfigMap", "pc-portcullis-config"), "data"))
        .containsEntry("ARCHESTRA_GEMINI_VERTEX_AI_ENABLED", "true")
        .containsEntry("ARCHESTRA_GEMINI_VERTEX_AI_PROJECT", "PROJECT_ID");
  }

  @Test
  void replicasSecretsAndTheExternalDatabaseFlowThrough() throws Exception {
    List<Map<String, Object>> manifests = render(Map.of(
        "roles.auth.replicas", "3",
        "roles.gateway.autoscaling.enabled", "false",
        "roles.gateway.replicas", "5",
        "roles.router.enabled", "false",
        "database.externalUrl", "postgresql://portcullis:pw@db.example:5432/portcullis",
        "secretEnv.ARCHESTRA_CHAT_OPENAI_API_KEY", "sk-from-values"));
    assertThat(map(named(manifests, "Deployment", "pc-portcullis-auth"), "spec").get("replicas")).isEqualTo(3);
    assertThat(map(named(manifests, "Deployment", "pc-portcullis-gateway"), "spec").get("replicas")).isEqualTo(5);
    assertThat(ofKind(manifests, "HorizontalPodAutoscaler")).extracting(m -> map(m, "metadata").get("name"))
        .containsExactly("pc-portcullis-providers");
    assertThat(ofKind(manifests, "Deployment")).extracting(m -> map(m, "metadata").get("name"))
        .doesNotContain("pc-portcullis-router");
    Map<String, Object> secret = map(named(manifests, "Secret", "pc-portcullis-secrets"), "stringData");
    assertThat(secret).containsEntry("ARCHESTRA_DATABASE_URL", "postgresql://portcullis:pw@db.example:5432/portcullis")
        .containsEntry("ARCHESTRA_CHAT_OPENAI_API_KEY", "sk-from-values")
        .doesNotContainKey("PORTCULLIS_ADMIN_TOKEN");
  }
}
