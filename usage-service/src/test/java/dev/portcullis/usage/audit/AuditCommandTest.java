package dev.portcullis.usage.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditCommandTest {

  @TempDir
  Path dir;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(InputStream stdin, String... args) {
    return AuditCommand.run(List.of(args), stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private Path write(List<String> lines) throws Exception {
    Path file = dir.resolve("audit.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    return file;
  }

  @Test
  void anIntactExportExitsZeroWithItsCounts() throws Exception {
    Path file = write(AuditVerifierTest.export());
    assertThat(run(InputStream.nullInputStream(), "verify", file.toString())).isZero();
    assertThat(out()).isEqualTo("intact: 4 records from 2 writers (1 anchor)" + System.lineSeparator());
  }

  @Test
  void aBrokenExportExitsOneWithOneLineNamingTheBreak() throws Exception {
    List<String> lines = AuditVerifierTest.export();
    lines.set(3, new JsonObject(lines.get(3)).put("model", "other").encode());
    Path file = write(lines);

    assertThat(run(InputStream.nullInputStream(), "verify", file.toString())).isEqualTo(1);
    assertThat(out().lines().toList()).containsExactly("broken: writer a seq 3: hash-mismatch (edited: its fields do not"
        + " give its hash); 1 break in 4 records from 2 writers (1 anchor)");
  }

  @Test
  void aDashReadsStandardInput() {
    byte[] export = (String.join("\n", AuditVerifierTest.export()) + "\n").getBytes(StandardCharsets.UTF_8);
    assertThat(run(new ByteArrayInputStream(export), "verify", "-")).isZero();
  }

  @Test
  void aUsageErrorOrAnUnreadableFileExitsTwo() {
    assertThat(run(InputStream.nullInputStream())).isEqualTo(2);
    assertThat(run(InputStream.nullInputStream(), "check", "x")).isEqualTo(2);
    assertThat(run(InputStream.nullInputStream(), "verify")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("Usage: java -jar portcullis.jar audit verify FILE");
    assertThat(run(InputStream.nullInputStream(), "verify", dir.resolve("missing.jsonl").toString())).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("no such file");
    assertThat(run(InputStream.nullInputStream(), "verify", dir.toString())).isEqualTo(2);
    assertThat(out()).isEmpty();
    assertThat(run(InputStream.nullInputStream(), "--help")).isZero();
  }
}
