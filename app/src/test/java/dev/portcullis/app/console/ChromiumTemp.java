package dev.portcullis.app.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the browser tests' Chromium keeps its temporary folders: under {@code target/}, gone with
 * {@code mvn clean}. Chromium leaves some of them behind when it is quit, and they must not pile up
 * in the machine's temporary folder.
 */
final class ChromiumTemp {

  private ChromiumTemp() {}

  /** The environment for chromedriver (and the Chromium it starts): {@code TMPDIR} under {@code target/}. */
  static Map<String, String> environment() {
    try {
      Path dir = Files.createDirectories(Path.of("target", "chromium-tmp").toAbsolutePath());
      return Map.of("TMPDIR", dir.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
