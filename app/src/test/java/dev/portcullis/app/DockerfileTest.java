package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Dockerfile (no engine here to build it): every Maven module's pom is copied before the
 * dependency download (a module missing there breaks the build), the runtime is a JRE 17 image
 * run by a numeric non-root user, with the ports and health check the chart and compose rely on.
 */
class DockerfileTest {

  private static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();

  @Test
  void everyModulePomIsCopiedIntoTheBuildStage() throws Exception {
    String dockerfile = Files.readString(REPO_ROOT.resolve("Dockerfile"));
    Matcher modules = Pattern.compile("<module>([^<]+)</module>").matcher(Files.readString(REPO_ROOT.resolve("pom.xml")));
    int count = 0;
    while (modules.find()) {
      String module = modules.group(1);
      assertThat(dockerfile).as("module " + module).contains("COPY " + module + "/pom.xml " + module + "/");
      count++;
    }
    assertThat(count).isGreaterThanOrEqualTo(9);
  }

  @Test
  void theRuntimeStageIsASmallJreRunByANonRootUser() throws Exception {
    List<String> lines = Files.readAllLines(REPO_ROOT.resolve("Dockerfile"));
    List<String> stages = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
    assertThat(stages).hasSize(2);
    assertThat(stages.get(0)).contains("maven").contains("17");
    assertThat(stages.get(1)).contains("17-jre");
    assertThat(lines).contains("USER 1000");
    assertThat(lines.stream().filter(l -> l.startsWith("EXPOSE ")).findFirst().orElseThrow())
        .contains("9000").contains("9001").contains("9050");
    assertThat(String.join("\n", lines)).contains("HEALTHCHECK").contains("http://127.0.0.1:9000/health");
  }

  @Test
  void javaOptsLeaveHeapAndGcToTheLaunchersTuning() throws Exception {
    String javaOpts = Files.readAllLines(REPO_ROOT.resolve("Dockerfile")).stream()
        .filter(l -> l.contains("JAVA_OPTS=")).findFirst().orElseThrow();
    // Any of these would keep the JVM as started instead of restarting it with the tuned flags.
    assertThat(javaOpts).doesNotContain("-Xm", "RAM", "GC", "JAVA_TOOL_OPTIONS").contains("--add-opens");
  }
}
