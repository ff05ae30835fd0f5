package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.app.cluster.ClusterTls;
import dev.portcullis.common.settings.Settings;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml: {@code docker-compose config} accepts it (Debian's docker-compose validates
 * without an engine; .ci/run installs it), with and without the cluster profile, and what it
 * resolves to is a single node by default and the clustered roles under the profile, each with the
 * event bus's TLS material made by the one-shot {@code cluster-init} service and only its own secrets.
 */
class DockerComposeFileTest {

  private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();

  private record Result(int exit, String output) {}

  private static Result compose(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("docker-compose", "-f", "docker-compose.yml"));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(REPO_ROOT.toFile()).redirectErrorStream(true);
    // No project .env from the developer's machine: the file's own defaults are under test.
    builder.environment().keySet().removeIf(k -> k.startsWith("ARCHESTRA_") || k.startsWith("PORTCULLIS_"));
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Result(process.exitValue(), output);
  }

  private static boolean dockerComposeInstalled() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (Files.isExecutable(Path.of(dir, "docker-compose"))) {
        return true;
      }
    }
    return false;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> services(String yaml) {
    Map<String, Object> root = new Yaml().load(yaml);
    return (Map<String, Object>) root.get("services");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> environment(Map<String, Object> services, String service) {
    return (Map<String, Object>) ((Map<String, Object>) services.get(service)).get("environment");
  }

  @Test
  void dockerComposeConfigAcceptsTheFileAndItsClusterProfile() throws Exception {
    Assumptions.assumeTrue(dockerComposeInstalled(), "docker-compose is not installed (.ci/run installs it)");
    Result single = compose("config");
    assertThat(single.exit()).as(single.output()).isZero();
    // docker-compose 1.x lists every service with its profiles; only those without one start by default.
    assertThat(services(single.output()).entrySet().stream()
        .filter(e -> ((Map<?, ?>) e.getValue()).get("profiles") == null).map(Map.Entry::getKey).toList())
        .containsExactly("portcullis");

    Result cluster = compose("--profile", "cluster", "config");
    assertThat(cluster.exit()).as(cluster.output()).isZero();
    Map<String, Object> services = services(cluster.output());
    assertThat(services).containsKeys("postgres", "gateway", "auth", "router", "provider-1", "provider-2");
    for (String member : List.of("gateway", "auth", "router", "provider-1", "provider-2")) {
      Map<String, Object> env = environment(services, member);
      assertThat(env).containsEntry("PORTCULLIS_CLUSTER", "true").containsEntry("PORTCULLIS_CLUSTER_PUBLIC_HOST", member);
      assertThat(String.valueOf(env.get("PORTCULLIS_CLUSTER_MEMBERS"))).contains(member + ":5701");
    }
    assertThat(String.valueOf(environment(services, "auth").get("ARCHESTRA_DATABASE_URL")))
        .startsWith("postgresql://portcullis:").endsWith("@postgres:5432/portcullis");
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyClusterMemberGetsTheEventBusTlsMaterialAndOnlyAuthGetsAuthSecrets() throws Exception {
    Assumptions.assumeTrue(dockerComposeInstalled(), "docker-compose is not installed (.ci/run installs it)");
    Result cluster = compose("--profile", "cluster", "config");
    assertThat(cluster.exit()).as(cluster.output()).isZero();
    Map<String, Object> services = services(cluster.output());
    Map<String, Object> init = (Map<String, Object>) services.get("cluster-init");
    assertThat((List<String>) init.get("volumes")).anySatisfy(v -> assertThat(v).startsWith("cluster-ca:"));
    for (String member : List.of("gateway", "auth", "router", "provider-1", "provider-2")) {
      Map<String, Object> service = (Map<String, Object>) services.get(member);
      Map<String, Object> env = environment(services, member);
      assertThat(env).as(member).containsEntry("PORTCULLIS_CLUSTER_TLS_KEYSTORE", "/run/portcullis/cluster-tls/member.p12")
          .containsEntry("PORTCULLIS_CLUSTER_TLS_TRUSTSTORE", "/run/portcullis/cluster-tls/trust.p12")
          .doesNotContainKey("PORTCULLIS_CLUSTER_INSECURE");
      assertThat((List<String>) service.get("volumes")).as(member)
          .contains("cluster-tls:/run/portcullis/cluster-tls:ro")
          .noneSatisfy(v -> assertThat(v).startsWith("cluster-ca:"));
      assertThat((Map<String, Object>) service.get("depends_on")).as(member).containsKey("cluster-init");
      if (!member.equals("auth")) {
        assertThat(env).as(member).doesNotContainKeys("ARCHESTRA_AUTH_SECRET", "PORTCULLIS_ADMIN_TOKEN",
            "ARCHESTRA_DATABASE_URL");
        assertThat((List<String>) service.get("volumes")).as(member).noneSatisfy(v -> assertThat(v).startsWith("auth-secret:"));
      }
    }
    assertThat(environment(services, "auth")).containsKey("ARCHESTRA_CHAT_OPENAI_API_KEY");
    for (String notAProvider : List.of("gateway", "router")) {
      assertThat(environment(services, notAProvider)).as(notAProvider).doesNotContainKey("ARCHESTRA_CHAT_OPENAI_API_KEY");
    }
    // Unset, the auth secret is the one cluster-init generated: the file ships no usable example value.
    assertThat(environment(services, "auth")).containsEntry("ARCHESTRA_AUTH_SECRET", "");
    assertThat(Files.readString(REPO_ROOT.resolve("docker-compose.yml"))).doesNotContainIgnoringCase("change-me");
  }

  @Test
  @SuppressWarnings("unchecked")
  void clusterInitMakesStoresThatLoadAsTheEventBusTlsMaterialAndAnAuthSecret() throws Exception {
    // The one-shot service's own script, run here with keytool from this JDK into temporary folders.
    Map<String, Object> root = new Yaml().load(Files.readString(REPO_ROOT.resolve("docker-compose.yml")));
    Map<String, Object> init = (Map<String, Object>) ((Map<String, Object>) root.get("services")).get("cluster-init");
    String script = ((List<String>) init.get("command")).get(0).replace("$$", "$");
    Path dir = Files.createTempDirectory(REPO_ROOT.resolve("app/target"), "cluster-init");
    Path tls = Files.createDirectories(dir.resolve("tls"));
    Path authDir = Files.createDirectories(dir.resolve("auth"));
    for (int run = 0; run < 2; run++) {
      ProcessBuilder builder = new ProcessBuilder("sh", "-euc", script).redirectErrorStream(true);
      builder.environment().put("CLUSTER_TLS_DIR", tls.toString());
      builder.environment().put("CLUSTER_CA_DIR", Files.createDirectories(dir.resolve("ca")).toString());
      builder.environment().put("AUTH_SECRET_DIR", authDir.toString());
      builder.environment().put("PATH", Path.of(System.getProperty("java.home"), "bin") + File.pathSeparator
          + System.getenv("PATH"));
      // keytool starts eight times: a quick JIT is enough.
      builder.environment().put("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
      Process process = builder.start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(output).isZero();
      if (run == 0) {
        assertThat(Files.readString(authDir.resolve("auth-secret"))).hasSizeGreaterThanOrEqualTo(48);
      }
    }
    JsonObject settings = new JsonObject()
        .put("PORTCULLIS_CLUSTER_TLS_KEYSTORE", tls.resolve("member.p12").toString())
        .put("PORTCULLIS_CLUSTER_TLS_KEYSTORE_PASSWORD", "portcullis-cluster")
        .put("PORTCULLIS_CLUSTER_TLS_TRUSTSTORE", tls.resolve("trust.p12").toString())
        .put("PORTCULLIS_CLUSTER_TLS_TRUSTSTORE_PASSWORD", "portcullis-cluster");
    assertThat(ClusterTls.from(new Settings(settings))).isNotNull();
    assertThat(Files.getPosixFilePermissions(tls.resolve("member.p12")))
        .containsOnly(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
  }

  @Test
  void aBrokenFileIsRefusedByDockerComposeConfig() throws Exception {
    // Proves the check above can fail: the same tool on a file with an unknown key.
    Assumptions.assumeTrue(dockerComposeInstalled(), "docker-compose is not installed (.ci/run installs it)");
    Path broken = Files.createTempFile(REPO_ROOT.resolve("app/target"), "compose-broken", ".yml");
    Files.writeString(broken, Files.readString(REPO_ROOT.resolve("docker-compose.yml"))
        .replace("    command: [\"--cluster\", \"--roles\", \"router\"]", "    commandd: [\"--cluster\"]"));
    Result result = compose("-f", broken.toString(), "config");
    assertThat(result.exit()).isNotZero();
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyClusterMemberIsListedAndEveryRoleRuns() throws Exception {
    // Read the file itself, so this holds even where docker-compose is missing.
    Map<String, Object> root = new Yaml().load(Files.readString(REPO_ROOT.resolve("docker-compose.yml")));
    Map<String, Object> services = (Map<String, Object>) root.get("services");
    List<String> roles = new ArrayList<>();
    services.forEach((name, value) -> {
      Map<String, Object> service = (Map<String, Object>) value;
      Object command = service.get("command");
      if (command instanceof List<?> args && args.contains("--cluster")) {
        assertThat((List<String>) service.get("profiles")).as(name).containsExactly("cluster");
        roles.add(String.valueOf(args.get(args.indexOf("--roles") + 1)));
      }
    });
    assertThat(roles).contains("gateway", "auth", "router", "providers");
    assertThat((List<String>) ((Map<String, Object>) services.get("portcullis")).get("ports")).contains("9000:9000");
    assertThat(((Map<String, Object>) services.get("portcullis")).get("profiles")).isNull();
  }
}
