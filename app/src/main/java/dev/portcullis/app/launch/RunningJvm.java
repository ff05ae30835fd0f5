package dev.portcullis.app.launch;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the launcher needs to know about the JVM it runs in to decide whether to start again with
 * tuned flags: how it was started, the environment, and how much memory it may use.
 *
 * @param javaExecutable the running JVM's {@code java} binary
 * @param inputArguments the JVM options it was started with (not the program's arguments)
 * @param jar the jar given to {@code -jar}, as typed; empty when started some other way
 * @param environment this process's environment
 * @param physicalMemoryBytes the memory this JVM sees: the container's limit when it has one
 * @param trimsNativeHeap whether this {@code java} knows {@code -XX:TrimNativeHeapInterval} (17.0.9,
 *                        21.0.1 and later): an older one would refuse to start with it
 */
public record RunningJvm(String javaExecutable, List<String> inputArguments, Optional<String> jar,
    Map<String, String> environment, long physicalMemoryBytes, boolean trimsNativeHeap) {

  /** The JVM this code runs in. */
  public static RunningJvm current() {
    String java = ProcessHandle.current().info().command()
        .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    return new RunningJvm(java, ManagementFactory.getRuntimeMXBean().getInputArguments(), startedJar(),
        System.getenv(), physicalMemory(), knowsFlag("TrimNativeHeapInterval"));
  }

  /** Whether this JVM (and so the same {@code java} started again) has the flag {@code name}. */
  static boolean knowsFlag(String name) {
    try {
      ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name);
      return true;
    } catch (IllegalArgumentException | NullPointerException unknown) {
      return false;
    }
  }

  /**
   * The jar of {@code java -jar JAR}: the java launcher then makes JAR the whole class path and the
   * start of {@code sun.java.command}. Tests, IDEs and {@code -cp} starts have no such jar.
   */
  private static Optional<String> startedJar() {
    String classPath = System.getProperty("java.class.path", "");
    String command = System.getProperty("sun.java.command", "");
    boolean jarStart = classPath.endsWith(".jar") && !classPath.contains(java.io.File.pathSeparator)
        && (command.equals(classPath) || command.startsWith(classPath + " "));
    return jarStart && Files.isRegularFile(Path.of(classPath)) ? Optional.of(classPath) : Optional.empty();
  }

  private static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return Long.MAX_VALUE;
  }
}
