package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.portcullis.app.cluster.ClusterTls;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * charts/portcullis: Helm's own lint and template (through helm-java), then the rendered manifests:
 * every role deployed with probes, and values flowing through (the service-account annotations under
 * {@code archestra.orchestrator.kubernetes}, pod labels and env, replicas, the external PostgreSQL URL); each role only its own
 * secrets; the event bus's TLS material in every role; the NetworkPolicy on the cluster ports.
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
  @SuppressWarnings("unchecked")
  void everyRoleRequestsCpuAndMemoryAndHasAMemoryLimitTheTunedJvmFits() throws Exception {
    List<Map<String, Object>> manifests = render(Map.of());
    for (String role : ROLES) {
      Map<String, Object> resources = (Map<String, Object>) container(named(manifests, "Deployment", "pc-portcullis-" + role))
          .get("resources");
      assertThat((Map<String, Object>) resources.get("requests")).as(role).containsKeys("cpu", "memory");
      // The launcher's heap is half the limit up to 224 MB; the rest is code, classes, stacks.
      assertThat((Map<String, Object>) resources.get("limits")).as(role).containsEntry("memory", "448Mi")
          .doesNotContainKey("cpu");
    }
  }

  @Test
  void helmLintPasses() {
    LintResult result = new Helm(CHART).lint().strict().call();
    assertThat(result.isFailed()).as("%s", result.getMessages()).isFalse();
  }

  @Test
  void helmLintFailsOnABrokenChart(@TempDir Path copy) throws Exception {
    // The same check on a copy with a template error, so the lint above can fail.
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
      // The cloud identity (the annotated account) is the provider pods' alone.
      assertThat(map(deployment, "spec", "template", "spec").get("serviceAccountName"))
          .isEqualTo(role.equals("providers") ? "archestra-platform" : "pc-portcullis-member");
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
  void theGkeEksAndAksServiceAccountValuesFlowThrough() throws Exception {
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
    assertThat(map(named(manifests, "ServiceAccount", "pc-portcullis-member"), "metadata")).doesNotContainKey("annotations");
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
        "secrets.providerKeys.env.ARCHESTRA_CHAT_OPENAI_API_KEY", "sk-from-values"));
    assertThat(map(named(manifests, "Deployment", "pc-portcullis-auth"), "spec").get("replicas")).isEqualTo(3);
    assertThat(map(named(manifests, "Deployment", "pc-portcullis-gateway"), "spec").get("replicas")).isEqualTo(5);
    assertThat(ofKind(manifests, "HorizontalPodAutoscaler")).extracting(m -> map(m, "metadata").get("name"))
        .containsExactly("pc-portcullis-providers");
    assertThat(ofKind(manifests, "Deployment")).extracting(m -> map(m, "metadata").get("name"))
        .doesNotContain("pc-portcullis-router");
    assertThat(map(named(manifests, "Secret", "pc-portcullis-auth"), "stringData"))
        .containsEntry("ARCHESTRA_DATABASE_URL", "postgresql://portcullis:pw@db.example:5432/portcullis")
        .doesNotContainKey("PORTCULLIS_ADMIN_TOKEN");
    assertThat(map(named(manifests, "Secret", "pc-portcullis-provider-keys"), "stringData"))
        .containsEntry("ARCHESTRA_CHAT_OPENAI_API_KEY", "sk-from-values");
  }

  @SuppressWarnings("unchecked")
  private static List<String> secretsReferenced(Map<String, Object> deployment) {
    Map<String, Object> container = container(deployment);
    List<String> names = new ArrayList<>();
    for (Map<String, Object> source : (List<Map<String, Object>>) container.getOrDefault("envFrom", List.of())) {
      if (source.get("secretRef") != null) {
        names.add(String.valueOf(map(source, "secretRef").get("name")));
      }
    }
    for (Map<String, Object> variable : (List<Map<String, Object>>) container.getOrDefault("env", List.of())) {
      if (variable.get("valueFrom") != null && map(variable, "valueFrom").get("secretKeyRef") != null) {
        names.add(String.valueOf(map(variable, "valueFrom", "secretKeyRef").get("name")));
      }
    }
    for (Map<String, Object> volume : (List<Map<String, Object>>) map(deployment, "spec", "template", "spec")
        .getOrDefault("volumes", List.of())) {
      if (volume.get("secret") != null) {
        names.add(String.valueOf(map(volume, "secret").get("secretName")));
      }
    }
    return names;
  }

  @Test
  void eachRoleGetsOnlyItsOwnSecrets() throws Exception {
    List<Map<String, Object>> manifests = render(Map.of(
        "secrets.auth.env.ARCHESTRA_AUTH_SECRET", "auth-secret-from-values-0123456789abcdef0123456789",
        "secrets.auth.env.PORTCULLIS_ADMIN_TOKEN", "admin-token-from-values",
        "database.externalUrl", "postgresql://portcullis:pw@db.example:5432/portcullis",
        "secrets.providerKeys.env.ARCHESTRA_CHAT_OPENAI_API_KEY", "sk-org-default",
        "secrets.metrics.value", "metrics-secret"));
    assertThat(map(named(manifests, "Secret", "pc-portcullis-auth"), "stringData"))
        .containsOnlyKeys("ARCHESTRA_AUTH_SECRET", "PORTCULLIS_ADMIN_TOKEN", "ARCHESTRA_DATABASE_URL");
    assertThat(map(named(manifests, "Secret", "pc-portcullis-provider-keys"), "stringData"))
        .containsOnlyKeys("ARCHESTRA_CHAT_OPENAI_API_KEY");
    assertThat(map(named(manifests, "Secret", "pc-portcullis-metrics"), "stringData"))
        .containsOnlyKeys("ARCHESTRA_METRICS_SECRET");
    // Nothing else carries those values: not the ConfigMap, not a Deployment's own env.
    String everythingButTheSecrets = manifests.stream().filter(m -> !"Secret".equals(m.get("kind")))
        .map(Object::toString).reduce("", String::concat);
    assertThat(everythingButTheSecrets).doesNotContain("auth-secret-from-values", "admin-token-from-values",
        "db.example", "sk-org-default", "metrics-secret\"");

    assertThat(secretsReferenced(named(manifests, "Deployment", "pc-portcullis-auth")))
        .containsExactlyInAnyOrder("pc-portcullis-metrics", "pc-portcullis-auth", "pc-portcullis-provider-keys",
            "pc-portcullis-cluster-tls");
    assertThat(secretsReferenced(named(manifests, "Deployment", "pc-portcullis-providers")))
        .containsExactlyInAnyOrder("pc-portcullis-metrics", "pc-portcullis-provider-keys", "pc-portcullis-cluster-tls");
    for (String role : List.of("gateway", "router")) {
      assertThat(secretsReferenced(named(manifests, "Deployment", "pc-portcullis-" + role))).as(role)
          .containsExactlyInAnyOrder("pc-portcullis-metrics", "pc-portcullis-cluster-tls");
    }
  }

  @Test
  void existingSecretsAreReferencedByTheSameRolesAndTheOldSingleSecretIsRefused() throws Exception {
    List<Map<String, Object>> manifests = render(Map.of(
        "secrets.auth.existingSecret", "my-auth",
        "secrets.providerKeys.existingSecret", "my-provider-keys",
        "secrets.metrics.existingSecret", "my-metrics",
        "cluster.tls.existingSecret", "my-cluster-tls"));
    assertThat(ofKind(manifests, "Secret")).isEmpty();
    assertThat(secretsReferenced(named(manifests, "Deployment", "pc-portcullis-auth")))
        .containsExactlyInAnyOrder("my-metrics", "my-auth", "my-provider-keys", "my-cluster-tls");
    assertThat(secretsReferenced(named(manifests, "Deployment", "pc-portcullis-gateway")))
        .containsExactlyInAnyOrder("my-metrics", "my-cluster-tls");
    // The old single Secret went to every role: a values file that still sets it fails loudly.
    assertThatThrownBy(() -> render(Map.of("existingSecret", "everything")))
        .hasMessageContaining("split per role");
    assertThatThrownBy(() -> render(Map.of("secretEnv.ARCHESTRA_AUTH_SECRET", "x")))
        .hasMessageContaining("split per role");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyRoleMountsTheGeneratedClusterTlsMaterialAndPortcullisAcceptsIt(@TempDir Path dir) throws Exception {
    List<Map<String, Object>> manifests = render(Map.of());
    Map<String, Object> secret = named(manifests, "Secret", "pc-portcullis-cluster-tls");
    assertThat(secret.get("type")).isEqualTo("kubernetes.io/tls");
    Map<String, Object> data = map(secret, "data");
    JsonObject settings = new JsonObject();
    for (String file : List.of("tls.crt", "tls.key", "ca.crt")) {
      Files.write(dir.resolve(file), Base64.getDecoder().decode(String.valueOf(data.get(file))));
    }
    settings.put(ClusterTls.CERT, dir.resolve("tls.crt").toString()).put(ClusterTls.KEY, dir.resolve("tls.key").toString())
        .put(ClusterTls.CA, dir.resolve("ca.crt").toString());
    // Helm's RSA key (PKCS#1) and certificates load as the event bus's material...
    assertThat(ClusterTls.from(new Settings(settings))).isNotNull();
    // ...and the member certificate is signed by the CA the members trust.
    CertificateFactory x509 = CertificateFactory.getInstance("X.509");
    X509Certificate ca = (X509Certificate) x509.generateCertificate(
        new ByteArrayInputStream(Files.readAllBytes(dir.resolve("ca.crt"))));
    X509Certificate member = (X509Certificate) x509.generateCertificate(
        new ByteArrayInputStream(Files.readAllBytes(dir.resolve("tls.crt"))));
    member.verify(ca.getPublicKey());
    assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);

    for (String role : ROLES) {
      Map<String, Object> deployment = named(manifests, "Deployment", "pc-portcullis-" + role);
      Map<String, Object> container = container(deployment);
      Map<String, String> env = new HashMap<>();
      for (Map<String, Object> variable : (List<Map<String, Object>>) container.get("env")) {
        env.put(String.valueOf(variable.get("name")), String.valueOf(variable.get("value")));
      }
      assertThat(env).as(role).containsEntry(ClusterTls.CERT, "/etc/portcullis/cluster-tls/tls.crt")
          .containsEntry(ClusterTls.KEY, "/etc/portcullis/cluster-tls/tls.key")
          .containsEntry(ClusterTls.CA, "/etc/portcullis/cluster-tls/ca.crt")
          .doesNotContainKey(ClusterTls.INSECURE);
      assertThat((List<Map<String, Object>>) container.get("volumeMounts")).as(role)
          .anySatisfy(m -> assertThat(m).containsEntry("name", "cluster-tls")
              .containsEntry("mountPath", "/etc/portcullis/cluster-tls").containsEntry("readOnly", true));
      assertThat((List<Map<String, Object>>) map(deployment, "spec", "template", "spec").get("volumes")).as(role)
          .anySatisfy(v -> assertThat(v).containsEntry("name", "cluster-tls")
              .satisfies(x -> assertThat(map(v, "secret")).containsEntry("secretName", "pc-portcullis-cluster-tls")));
    }
    assertThat(map(named(manifests, "ConfigMap", "pc-portcullis-config"), "data")).doesNotContainKey(ClusterTls.INSECURE)
        .containsEntry("PORTCULLIS_EVENTBUS_PORT", "5702");
  }

  @Test
  @SuppressWarnings("unchecked")
  void aNetworkPolicyAdmitsOnlyPortcullisPodsToTheHazelcastAndEventBusPorts() throws Exception {
    List<Map<String, Object>> manifests = render(Map.of());
    Map<String, Object> policy = named(manifests, "NetworkPolicy", "pc-portcullis-cluster");
    Map<String, Object> memberLabels = Map.of("app.kubernetes.io/name", "portcullis",
        "app.kubernetes.io/instance", "pc", "portcullis.dev/cluster-member", "true");
    assertThat(map(policy, "spec", "podSelector", "matchLabels")).isEqualTo(memberLabels);
    // Every pod of every role carries those labels, so the policy covers all of them.
    for (String role : ROLES) {
      assertThat(map(named(manifests, "Deployment", "pc-portcullis-" + role), "spec", "template", "metadata", "labels"))
          .containsAllEntriesOf(memberLabels);
    }
    assertThat((List<String>) map(policy, "spec").get("policyTypes")).containsExactly("Ingress");
    List<Map<String, Object>> rules = (List<Map<String, Object>>) map(policy, "spec").get("ingress");
    // The rules that open the cluster ports admit Portcullis pods of this release and nothing else.
    List<Map<String, Object>> clusterRules = rules.stream().filter(rule -> ((List<Map<String, Object>>) rule.get("ports"))
        .stream().anyMatch(p -> List.of(5701, 5702).contains(p.get("port")))).toList();
    assertThat(clusterRules).singleElement().satisfies(rule -> {
      assertThat((List<Map<String, Object>>) rule.get("ports")).extracting(p -> p.get("port")).containsExactlyInAnyOrder(5701, 5702);
      assertThat((List<Map<String, Object>>) rule.get("from")).singleElement()
          .satisfies(from -> assertThat(map(from, "podSelector", "matchLabels")).isEqualTo(memberLabels));
    });
    // The gateway and metrics ports stay open (to be narrowed with networkPolicy.gatewayFrom / metricsFrom).
    assertThat(rules).flatExtracting(rule -> (List<Map<String, Object>>) rule.get("ports")).extracting(p -> p.get("port"))
        .contains(9000, 9050);

    List<Map<String, Object>> narrowed = render(Map.of("networkPolicy.metricsFrom[0].namespaceSelector.matchLabels.name",
        "monitoring"));
    List<Map<String, Object>> narrowedRules = (List<Map<String, Object>>) map(
        named(narrowed, "NetworkPolicy", "pc-portcullis-cluster"), "spec").get("ingress");
    assertThat(narrowedRules).filteredOn(rule -> ((List<Map<String, Object>>) rule.get("ports")).get(0).get("port").equals(9050))
        .singleElement().satisfies(rule -> assertThat(rule.get("from").toString()).contains("monitoring"));
    assertThat(ofKind(render(Map.of("networkPolicy.enabled", "false")), "NetworkPolicy")).isEmpty();
  }
}
