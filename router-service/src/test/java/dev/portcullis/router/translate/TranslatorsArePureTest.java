package dev.portcullis.router.translate;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Translators are pure functions of JSON: no I/O, no Vert.x, nothing of the router's call
 * plumbing. That is what lets every translator test be JSON in, JSON out, and what lets a new
 * provider's translator be written without knowing the bus. Checked on the source, by import.
 */
class TranslatorsArePureTest {

  private static final Path TRANSLATE = Path.of("src/main/java/dev/portcullis/router/translate");
  private static final List<String> FORBIDDEN = List.of("import io.vertx.", "import dev.portcullis.router.call.",
      "import dev.portcullis.router.models.", "import java.net.", "import java.nio.file.", "import java.io.File");

  @Test
  void noTranslatorImportsIoOrTheCallPlumbing() throws IOException {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(TRANSLATE)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (FORBIDDEN.stream().anyMatch(line::startsWith)) {
            found.add(TRANSLATE.relativize(file) + ": " + line);
          }
        }
      }
    }
    assertThat(found).isEmpty();
  }

  @Test
  void theCheckSeesTheTranslators() throws IOException {
    try (Stream<Path> files = Files.walk(TRANSLATE)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith("ChatTranslator.java")).count())
          .isGreaterThanOrEqualTo(4);
    }
  }
}
