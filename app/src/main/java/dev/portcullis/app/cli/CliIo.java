package dev.portcullis.app.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the CLI may touch of its process: its streams, its environment and its working directory.
 * Passed in rather than read from {@link System}, so that a test drives the CLI in-process with
 * its own environment and captured output, and nothing reads the machine's settings by surprise.
 *
 * @param workingDir where relative paths ({@code ./data/admin-token}, {@code --token-file}) start
 */
public record CliIo(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, Path workingDir) {

  /** The process's own streams, environment and directory: what {@code java -jar} runs with. */
  public static CliIo system() {
    return new CliIo(System.in, System.out, System.err, System.getenv(), Path.of("").toAbsolutePath());
  }

  /** A path the user gave, relative to the working directory. */
  Path resolve(String path) {
    return workingDir.resolve(path).normalize();
  }
}
