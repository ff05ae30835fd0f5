package dev.portcullis.app.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.common.settings.SettingsException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JvmTuningTest {

  private static final String JAVA = "/opt/jdk/bin/java";
  private static final long GIB = 1024L * 1024 * 1024;

  private static RunningJvm jarStart(List<String> options, Map<String, String> env) {
    return new RunningJvm(JAVA, options, Optional.of("app/target/portcullis.jar"), env, 24 * GIB, true);
  }

  @Test
  void plainJavaJarRestartsWithTheTunedFlagsTheUsersOptionsTheMarkerAndTheSameArguments() {
    JvmTuning.Decision decision = JvmTuning.decide(
        jarStart(List.of("--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dfoo=bar"), Map.of("PATH", "/usr/bin")),
        List.of("--roles", "gateway", "--port=9100"));

    assertThat(decision.relaunch()).isTrue();
    assertThat(decision.command()).containsExactly(
        JAVA,
        "-XX:+UseSerialGC", "-Xms80m", "-Xmx224m", "-Xmn48m", "-XX:MaxMetaspaceSize=128m",
        "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=96m", "-Xss512k",
        "-XX:TargetSurvivorRatio=90", "-XX:InlineSmallCode=1000", "-Djdk.nio.maxCachedBufferSize=262144",
        "-XX:TrimNativeHeapInterval=1000",
        "--add-opens=java.base/java.lang=ALL-UNNAMED", "-Dfoo=bar",
        JvmTuning.MARKER,
        "-jar", "app/target/portcullis.jar", "--roles", "gateway", "--port=9100");
  }

  @Test
  void theRestartedJvmGetsTheSameEnvironmentWithFewerMallocArenasUnlessTheUserChose() {
    assertThat(JvmTuning.decide(jarStart(List.of(), Map.of("PATH", "/usr/bin")), List.of()).environment())
        .containsExactlyInAnyOrderEntriesOf(Map.of("PATH", "/usr/bin", "MALLOC_ARENA_MAX", "2"));
    assertThat(JvmTuning.decide(jarStart(List.of(), Map.of("MALLOC_ARENA_MAX", "8")), List.of()).environment())
        .containsExactlyInAnyOrderEntriesOf(Map.of("MALLOC_ARENA_MAX", "8"));
  }

  @Test
  void theUsersOtherJvmOptionsComeAfterTheTunedOnesSoTheyWin() {
    List<String> command = JvmTuning.decide(jarStart(List.of("-XX:ReservedCodeCacheSize=128m"), Map.of()), List.of())
        .command();
    assertThat(command.lastIndexOf("-XX:ReservedCodeCacheSize=128m"))
        .isGreaterThan(command.indexOf("-XX:ReservedCodeCacheSize=64m"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-Xmx2g", "-Xms1g", "-Xmn100m", "-XX:MaxRAMPercentage=75", "-XX:MaxRAM=1g",
      "-XX:InitialRAMPercentage=10", "-XX:MinRAMPercentage=50", "-XX:+UseG1GC", "-XX:+UseZGC",
      "-XX:-UseSerialGC", "-XX:MaxHeapSize=512m", "-XX:NewSize=10m", "-XX:VMOptionsFile=/etc/jvm"})
  void theUsersOwnMemoryOrGcOptionKeepsTheJvmAsStarted(String option) {
    JvmTuning.Decision decision = JvmTuning.decide(jarStart(List.of("-Dx=y", option), Map.of()), List.of());
    assertThat(decision.relaunch()).isFalse();
    assertThat(decision.note()).startsWith("JVM flags left as given: started with -");
    assertThat(decision.warning()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"-javaagent:/opt/agent.jar=secret", "-agentlib:jdwp=transport=dt_socket,server=y",
      "-agentpath:/opt/libagent.so"})
  void anAgentKeepsTheJvmAsStartedAndItsArgumentsStayOutOfTheNote(String option) {
    JvmTuning.Decision decision = JvmTuning.decide(jarStart(List.of(option), Map.of()), List.of());
    assertThat(decision.relaunch()).isFalse();
    assertThat(decision.note()).contains("an agent is loaded").doesNotContain("secret", "/opt", "dt_socket");
  }

  @ParameterizedTest
  @ValueSource(strings = {"JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"})
  void optionsTheRestartedJvmWouldReadAgainKeepTheJvmAsStarted(String variable) {
    JvmTuning.Decision decision = JvmTuning.decide(jarStart(List.of(), Map.of(variable, "-Dx=y")), List.of());
    assertThat(decision.relaunch()).isFalse();
    assertThat(decision.note()).isEqualTo("JVM flags left as given: " + variable + " is set");
  }

  @Test
  void theSwitchTurnsTuningOffAndANonBooleanIsABadSetting() {
    assertThat(JvmTuning.decide(jarStart(List.of(), Map.of("PORTCULLIS_JVM_TUNING", "FALSE")), List.of()).note())
        .isEqualTo("JVM flags left as given: PORTCULLIS_JVM_TUNING=false");
    assertThat(JvmTuning.decide(jarStart(List.of(), Map.of("PORTCULLIS_JVM_TUNING", "true")), List.of()).relaunch())
        .isTrue();
    assertThatThrownBy(() -> JvmTuning.decide(jarStart(List.of(), Map.of("PORTCULLIS_JVM_TUNING", "no")), List.of()))
        .isInstanceOf(SettingsException.class).hasMessageStartingWith("PORTCULLIS_JVM_TUNING: ");
  }

  @Test
  void notStartedWithJavaJarKeepsTheJvmAsStarted() {
    RunningJvm fromClasses = new RunningJvm(JAVA, List.of(), Optional.empty(), Map.of(), 24 * GIB, true);
    assertThat(JvmTuning.decide(fromClasses, List.of()).note())
        .isEqualTo("JVM flags left as given: not started with java -jar");
  }

  @Test
  void theRestartedJvmNeverRestartsAgainAndSaysWhichFlagsItRunsWith() {
    JvmTuning.Decision decision = JvmTuning.decide(jarStart(
        List.of("-XX:+UseSerialGC", "-Xmx224m", "-Djdk.nio.maxCachedBufferSize=262144", "-Dportcullis.secret=x",
            JvmTuning.MARKER), Map.of()), List.of());
    assertThat(decision.relaunch()).isFalse();
    assertThat(decision.note())
        .isEqualTo("JVM tuned for a gateway: -XX:+UseSerialGC -Xmx224m -Djdk.nio.maxCachedBufferSize=262144");
  }

  @Test
  void aFailedRestartIsAWarning() {
    JvmTuning.Decision failed = JvmTuning.decide(jarStart(List.of(), Map.of()), List.of()).failed("execve returned -1");
    assertThat(failed.relaunch()).isFalse();
    assertThat(failed.warning()).isTrue();
    assertThat(failed.note()).endsWith("execve returned -1");
  }

  @Test
  void aSmallContainerGetsHalfOfItsMemoryAsHeap() {
    assertThat(JvmTuning.tunedFlags(256L * 1024 * 1024, true)).contains("-Xmx128m", "-Xms74m", "-Xmn42m");
    assertThat(JvmTuning.tunedFlags(96L * 1024 * 1024, true)).contains("-Xmx64m", "-Xmn21m");
    assertThat(JvmTuning.tunedFlags(448L * 1024 * 1024, true)).contains("-Xmx224m", "-Xms80m", "-Xmn48m");
    assertThat(JvmTuning.tunedFlags(64 * GIB, true)).contains("-Xmx224m");
  }

  @Test
  void aJavaThatCannotTrimItsNativeHeapIsNotAskedTo() {
    RunningJvm older = new RunningJvm(JAVA, List.of(), Optional.of("portcullis.jar"), Map.of(), 24 * GIB, false);
    List<String> command = JvmTuning.decide(older, List.of()).command();
    assertThat(command).contains("-Xmx224m").noneMatch(option -> option.startsWith("-XX:TrimNativeHeapInterval"));
  }

  @Test
  void whetherTheRunningJvmKnowsAFlagIsAskedOfTheJvm() {
    assertThat(RunningJvm.knowsFlag("MaxHeapSize")).isTrue();
    assertThat(RunningJvm.knowsFlag("NoSuchFlagInAnyHotSpot")).isFalse();
    // The flag came with 17.0.9, 21.0.1 and 22; the restarted JVM is the same java.
    Runtime.Version version = Runtime.version();
    boolean hasTrim = version.feature() >= 22 || version.feature() == 21 && version.update() >= 1
        || version.feature() == 17 && version.update() >= 9;
    assertThat(RunningJvm.current().trimsNativeHeap()).as("java %s", version).isEqualTo(hasTrim);
  }
}
