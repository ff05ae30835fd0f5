package dev.portcullis.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.usage.audit.AuditChain;
import dev.portcullis.usage.audit.AuditEntry;
import dev.portcullis.usage.audit.AuditRecord;
import dev.portcullis.usage.audit.AuditStore;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis audit verify FILE} goes from Main to the tool: one line, its exit status, nothing started. */
class AuditVerifyCommandTest {

  @TempDir
  Path dir;

  @Test
  void mainRunsTheToolAndExitsWithItsStatus() throws Exception {
    AuditEntry entry = new AuditEntry("req-1", 1, "proxy", "virtual_key", "vk", "openai", "chat.completions", "m", 200,
        "ok", AuditEntry.FULL, "{}", "{\"answer\":1}", false);
    AuditRecord first = AuditChain.link("w", 1, entry, AuditChain.GENESIS);
    AuditRecord second = AuditChain.link("w", 2, entry, first.hash());
    Path export = dir.resolve("audit.jsonl");
    Files.write(export, List.of(
        new JsonObject().put("type", "header").put("format", AuditStore.EXPORT_FORMAT)
            .put("version", AuditStore.EXPORT_VERSION).encode(),
        first.toJson().encode(),
        second.toJson().put("responseBody", "{\"answer\":2}").encode(),
        new JsonObject().put("type", "end").put("records", 2).put("anchors", 0).encode()), StandardCharsets.UTF_8);

    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx64m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "audit", "verify", export.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(process.exitValue()).isEqualTo(1);
    assertThat(out.lines().toList()).containsExactly("broken: writer w seq 2: hash-mismatch (edited: its fields do not"
        + " give its hash); 1 break in 2 records from 1 writer");
  }
}
