package dev.portcullis.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageJournalTest {

  @TempDir
  Path dir;

  private static byte[] lines(int from, int count) {
    StringBuilder text = new StringBuilder();
    for (int i = from; i < from + count; i++) {
      text.append("{\"id\":\"r").append(i).append("\"}\n");
    }
    return text.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static List<String> drain(UsageJournal journal, boolean confirm) throws IOException {
    List<String> all = new ArrayList<>();
    for (Optional<UsageJournal.Batch> batch; (batch = journal.next(7, 1 << 20)).isPresent(); ) {
      all.addAll(batch.get().textLines());
      if (!confirm) {
        break;
      }
      journal.confirm(batch.get());
    }
    return all;
  }

  @Test
  void recordsComeBackInOrderInBatchesAndOnlyUntilConfirmed() throws IOException {
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      journal.append(lines(0, 20));
      UsageJournal.Batch first = journal.next(7, 1 << 20).orElseThrow();
      assertThat(first.textLines()).hasSize(7).first().isEqualTo("{\"id\":\"r0\"}");
      // Not confirmed: the same records come again.
      assertThat(journal.next(7, 1 << 20).orElseThrow().textLines()).isEqualTo(first.textLines());
      journal.confirm(first);
      List<String> rest = drain(journal, true);
      assertThat(rest).hasSize(13).first().isEqualTo("{\"id\":\"r7\"}");
      assertThat(journal.next(7, 1 << 20)).isEmpty();
      assertThat(journal.pendingBytes()).isZero();
    }
  }

  @Test
  void aRestartShipsWhatWasNotConfirmedAndNothingThatWas() throws IOException {
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      journal.append(lines(0, 10));
      journal.confirm(journal.next(4, 1 << 20).orElseThrow());
    }
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      assertThat(drain(journal, true)).hasSize(6).first().isEqualTo("{\"id\":\"r4\"}");
    }
  }

  @Test
  void theCursorIsSavedAtTheNextSaveAndAKilledGatewayShipsWhatCameAfterItAgain(@TempDir Path afterKill)
      throws IOException {
    Path cursor = dir.resolve("cursor");
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      journal.append(lines(0, 10));
      journal.confirm(journal.next(4, 1 << 20).orElseThrow());
      journal.saveCursor();
      String saved = Files.readString(cursor);
      journal.confirm(journal.next(3, 1 << 20).orElseThrow());
      // Confirmed in memory: this process does not ship r4 to r6 again, but the file has not moved.
      assertThat(journal.next(10, 1 << 20).orElseThrow().textLines()).first().isEqualTo("{\"id\":\"r7\"}");
      assertThat(Files.readString(cursor)).isEqualTo(saved);
      // What the process would leave if it were killed now.
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.copy(file, afterKill.resolve(file.getFileName()));
        }
      }
      journal.saveCursor();
      assertThat(Files.readString(cursor)).isNotEqualTo(saved);
    }
    try (UsageJournal restarted = UsageJournal.open(afterKill, 1 << 20)) {
      // r4 to r6 again (the ledger keeps one of each), and nothing before them.
      assertThat(drain(restarted, true)).hasSize(6).first().isEqualTo("{\"id\":\"r4\"}");
    }
    try (UsageJournal reopened = UsageJournal.open(dir, 1 << 20)) {
      assertThat(drain(reopened, true)).hasSize(3).first().isEqualTo("{\"id\":\"r7\"}");
    }
  }

  @Test
  void aTornLastLineIsCutOffAndTheRestKept() throws IOException {
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      journal.append(lines(0, 3));
    }
    Path segment;
    try (Stream<Path> files = Files.list(dir)) {
      segment = files.filter(f -> f.getFileName().toString().startsWith("segment-")).findFirst().orElseThrow();
    }
    // The process died in the middle of a write.
    Files.write(segment, "{\"id\":\"half".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      journal.append(lines(3, 1));
      assertThat(drain(journal, true)).containsExactly("{\"id\":\"r0\"}", "{\"id\":\"r1\"}", "{\"id\":\"r2\"}",
          "{\"id\":\"r3\"}");
    }
  }

  @Test
  void segmentsRollOverAndConfirmedOnesAreDeleted() throws IOException {
    byte[] big = new byte[(int) UsageJournal.SEGMENT_BYTES / 4];
    java.util.Arrays.fill(big, (byte) 'x');
    big[big.length - 1] = '\n';
    try (UsageJournal journal = UsageJournal.open(dir, 1L << 30)) {
      for (int i = 0; i < 6; i++) {
        journal.append(big);
      }
      assertThat(segments()).isGreaterThanOrEqualTo(2);
      int seen = 0;
      for (Optional<UsageJournal.Batch> batch; (batch = journal.next(100, 1 << 20)).isPresent(); ) {
        seen += batch.get().textLines().size();
        journal.confirm(batch.get());
      }
      assertThat(seen).isEqualTo(6);
      // Confirmed segments stay until the cursor that passed them is saved.
      assertThat(segments()).isGreaterThanOrEqualTo(2);
      assertThat(journal.pendingBytes()).isZero();
      journal.saveCursor();
      assertThat(segments()).isEqualTo(1);
    }
  }

  @Test
  void theBoundSaysWhenTheJournalIsFull() throws IOException {
    try (UsageJournal journal = UsageJournal.open(dir, 100)) {
      assertThat(journal.full(50)).isFalse();
      journal.append(lines(0, 5));
      assertThat(journal.full(50)).isTrue();
      journal.confirm(journal.next(10, 1 << 20).orElseThrow());
      assertThat(journal.full(50)).isFalse();
    }
  }

  @Test
  void twoGatewaysCannotShareOneJournal() throws IOException {
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      assertThatThrownBy(() -> UsageJournal.open(dir, 1 << 20)).isInstanceOf(IOException.class)
          .hasMessageContaining("in use");
    }
  }

  @Test
  void onlyTheGatewaysUserMayReadTheJournal() throws IOException {
    Path journalDir = dir.resolve("journal");
    try (UsageJournal journal = UsageJournal.open(journalDir, 1 << 20)) {
      journal.append(lines(0, 1));
    }
    assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(journalDir)))
        .isEqualTo("rwx------");
    try (Stream<Path> files = Files.list(journalDir)) {
      for (Path segment : files.filter(f -> f.getFileName().toString().startsWith("segment-")).toList()) {
        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(segment)))
            .isEqualTo("rw-------");
      }
    }
  }

  private long segments() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().startsWith("segment-")).count();
    }
  }

  @Test
  void aBatchIsItsLinesAsTheyAreInTheFileCountingOnlyTheLinesThatAreNotEmpty() throws IOException {
    try (UsageJournal journal = UsageJournal.open(dir, 1 << 20)) {
      journal.append("{\"id\":\"mod\u00e8le \u65e5\u672c \ud83d\ude00\"}\n\n{\"id\":\"b\"}\n".getBytes(StandardCharsets.UTF_8));
      UsageJournal.Batch batch = journal.next(10, 1 << 20).orElseThrow();
      assertThat(new String(batch.lines(), StandardCharsets.UTF_8))
          .isEqualTo("{\"id\":\"mod\u00e8le \u65e5\u672c \ud83d\ude00\"}\n\n{\"id\":\"b\"}\n");
      assertThat(batch.records()).isEqualTo(2);
      // The record limit counts records, not the empty lines between them.
      UsageJournal.Batch first = journal.next(1, 1 << 20).orElseThrow();
      assertThat(first.records()).isEqualTo(1);
      assertThat(first.textLines()).containsExactly("{\"id\":\"mod\u00e8le \u65e5\u672c \ud83d\ude00\"}");
    }
  }
}
