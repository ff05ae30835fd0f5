package dev.portcullis.common.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OwnerOnlySecretFileTest {

  @Test
  void createsOnceWithOwnerOnlyPermissionsAndThenReadsTheSameSecret(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("nested/auth-secret");
    OwnerOnlySecretFile.Loaded first = OwnerOnlySecretFile.loadOrCreate(file, () -> "first-secret");
    OwnerOnlySecretFile.Loaded second = OwnerOnlySecretFile.loadOrCreate(file, () -> "second-secret");

    assertThat(first.created()).isTrue();
    assertThat(second.created()).isFalse();
    assertThat(second.secret()).isEqualTo("first-secret");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThat(first.toString()).doesNotContain("first-secret");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }
}
