package dev.portcullis.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code java -jar app/target/portcullis.jar} process started from the repo root, its output in
 * a log file, sized for a test machine (small heap, C1 only: these processes are short-lived).
 */
final class PortcullisProcess implements AutoCloseable {

  static final Path REPO_ROOT = Path.of("").toAbsolutePath().getParent();
  private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

  private final String name;
  private final Process process;
  private final Path log;

  private PortcullisProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static PortcullisProcess start(String name, List<String> args, Map<String, String> env) throws IOException {
    Path log = newLog("portcullis-" + name);
    // Vert.x's file cache under target/: a process a test kills cannot remove it, and it must not
    // be left in the machine's temporary folder.
    List<String> command = new ArrayList<>(List.of(JAVA, "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Xshare:auto", "-Dvertx.cacheDirBase=" + REPO_ROOT.resolve("app/target/vertx-cache"),
        "-jar", "app/target/portcullis.jar"));
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command)
        .directory(REPO_ROOT.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new PortcullisProcess(name, builder.start(), log);
  }

  /**
   * A new log file for a started process, under {@code app/target/process-logs}: kept for a look
   * after a failed run, gone with {@code mvn clean}, never left in the machine's temporary folder.
   */
  static Path newLog(String prefix) throws IOException {
    return Files.createTempFile(Files.createDirectories(REPO_ROOT.resolve("app/target/process-logs")), prefix, ".log");
  }

  /** Waits until the process logged that every role started. */
  void awaitStarted(long timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (System.nanoTime() < deadline) {
      String text = logText();
      if (text.contains("Portcullis started")) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError(name + " exited with " + process.exitValue() + ":\n" + text);
      }
      Thread.sleep(100);
    }
    throw new AssertionError(name + " did not start within " + timeoutSeconds + " s:\n" + logText());
  }

  String logText() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      return "(log unreadable: " + e + ")";
    }
  }

  String name() {
    return name;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit status; only once it has exited. */
  int exitValue() {
    return process.exitValue();
  }

  /** SIGKILL: the process gets no chance to say goodbye to the cluster. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /**
   * SIGSTOP (POSIX only): the process stays a cluster member, its connections open, but answers
   * nothing, as a hung or cut-off host does, until the others' failure detection drops it.
   */
  void freeze() throws Exception {
    Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).inheritIO().start();
    if (!stop.waitFor(10, TimeUnit.SECONDS) || stop.exitValue() != 0) {
      throw new IllegalStateException("could not stop " + name + " (pid " + process.pid() + ")");
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
