package dev.portcullis.common.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageRecordLinesTest {

  private static final UsageRecord PLAIN = new UsageRecord("req-1", 1_700_000_000_000L, "proxy-1",
      UsageRecord.CallerKind.VIRTUAL_KEY, "vk-1", "openai", "chat.completions", "gpt-4o", "gpt-4o-2024-08-06",
      120, 30, 100, -1, 12, true, 200, "completed", 12.5, 3.25, null);
  private static final UsageRecord AUDITED = new UsageRecord("req-2", 1_700_000_000_001L, null,
      UsageRecord.CallerKind.PASSTHROUGH, "sha256:0011223344556677", "anthropic", "messages", null, null,
      -1, -1, -1, -1, -1, false, 499, "cancelled", 1.0, null,
      new UsageRecord.Audit("full", "{\"q\":\"line\\nbreak \\u2028 \\\"quoted\\\"\"}", "data: x\n\n", true));

  private static String lines(UsageRecord... records) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (UsageRecord record : records) {
      UsageRecordLines.write(record, out);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void recordsComeBackAsTheyWereWrittenOnePerLine() {
    String text = lines(PLAIN, AUDITED);
    assertThat(text.lines()).hasSize(2);
    assertThat(UsageRecordLines.readAll(text)).containsExactly(PLAIN, AUDITED);
  }

  @Test
  void theStreamingFormIsTheJsonFormAndEachReadsTheOther() {
    assertThat(UsageRecord.fromJson(new io.vertx.core.json.JsonObject(lines(PLAIN).trim()))).isEqualTo(PLAIN);
    assertThat(UsageRecordLines.readAll(PLAIN.toJson().encode() + "\n" + AUDITED.toJson().encode()))
        .containsExactly(PLAIN, AUDITED);
  }

  @Test
  void aLineThatSaysOnlyItsRecordComesWithItsBytesAndAnyOtherLineWithout() {
    String unknownField = "{\"id\":\"req-9\",\"time\":1,\"status\":200,\"injected\":\"x\"}";
    byte[] batch = (lines(PLAIN) + "\n" + lines(AUDITED) + unknownField + "\n").getBytes(StandardCharsets.UTF_8);
    List<RecordLine> read = new ArrayList<>();
    UsageRecordLines.read(batch, read::add, () -> {
      throw new AssertionError("no line here is malformed");
    });

    assertThat(read).extracting(RecordLine::record).extracting(UsageRecord::id).containsExactly("req-1", "req-2", "req-9");
    RecordLine plain = read.get(0);
    assertThat(plain.storableAsIs()).isTrue();
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    plain.writeTo(stored);
    assertThat(stored.toString(StandardCharsets.UTF_8)).isEqualTo(lines(PLAIN));
    assertThat(read.get(1).storableAsIs()).as("audited bodies are never stored with the record").isFalse();
    assertThat(read.get(2).storableAsIs()).as("a field this version does not know is not stored").isFalse();
  }

  @Test
  void linesWithTheRecordsTheyWereWrittenFromAreNotParsedAgainAndAnyOtherLineIs() {
    UsageRecord second = new UsageRecord("req-4", 1_700_000_000_003L, "proxy-1", UsageRecord.CallerKind.VIRTUAL_KEY,
        "vk-2", "openai", "chat.completions", "gpt-4o-mini", "gpt-4o-mini", 5, 6, -1, -1, -1, false, 200,
        "completed", 2.25, null, null);
    byte[] batch = (lines(PLAIN) + "\n" + lines(AUDITED, second)).getBytes(StandardCharsets.UTF_8);
    List<RecordLine> read = new ArrayList<>();
    Runnable none = () -> {
      throw new AssertionError("no line here is malformed");
    };
    // The second line's record was not kept (null): it alone is parsed.
    UsageRecordLines.read(batch, java.util.Arrays.asList(PLAIN, null, second), read::add, none);
    assertThat(read).extracting(RecordLine::record).containsExactly(PLAIN, AUDITED, second);
    assertThat(read.get(0).record()).isSameAs(PLAIN);
    assertThat(read.get(1).record()).isNotSameAs(AUDITED);
    assertThat(read.get(2).record()).isSameAs(second);
    assertThat(read).extracting(RecordLine::storableAsIs).containsExactly(true, false, true);
    ByteArrayOutputStream stored = new ByteArrayOutputStream();
    read.get(2).writeTo(stored);
    assertThat(stored.toString(StandardCharsets.UTF_8)).isEqualTo(lines(second));

    // Records that do not match the lines one for one are not used at all.
    read.clear();
    UsageRecordLines.read(batch, List.of(PLAIN, second), read::add, none);
    assertThat(read).extracting(RecordLine::record).containsExactly(PLAIN, AUDITED, second);
    assertThat(read).extracting(RecordLine::record).noneMatch(r -> r == PLAIN || r == second);
  }

  @Test
  void oneWriterForManyRecordsWritesTheSameLinesAndARecordThatFailsLeavesTheNextWhole() {
    UsageRecord broken = new UsageRecord("req-5", 1, null, null, null, null, null, null, null, -1, -1, -1, -1, -1,
        false, 200, "completed", 1.0, null, null);
    LineBuffer out = new LineBuffer(16);
    UsageRecordLines.Writer writer = new UsageRecordLines.Writer(out);
    writer.write(PLAIN);
    int before = out.size();
    // No caller kind: the writer fails after the id and the time; the caller cuts off what it wrote.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> writer.write(broken)).isInstanceOf(RuntimeException.class);
    out.truncate(before);
    writer.write(AUDITED);
    writer.write(PLAIN);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(lines(PLAIN, AUDITED, PLAIN));
    assertThat(UsageRecordLines.readAll(out.toString(StandardCharsets.UTF_8))).containsExactly(PLAIN, AUDITED, PLAIN);
  }

  @Test
  void aLineThatIsNoRecordIsCountedAndTheOthersAreRead() {
    List<UsageRecord> read = new ArrayList<>();
    int[] malformed = {0};
    String text = lines(PLAIN) + "not json\n{\"id\":\"no-time\",\"status\":200}\n[1,2]\n\n" + lines(AUDITED);
    UsageRecordLines.read(text, read::add, () -> malformed[0]++);
    assertThat(read).containsExactly(PLAIN, AUDITED);
    assertThat(malformed[0]).isEqualTo(3);
  }

  @Test
  void textBeyondAsciiIsReadWhereverItsLineLiesAndATornLineIsOnlyThatLine() {
    UsageRecord foreign = new UsageRecord("req-3", 1_700_000_000_002L, "proxy-\u00e9", UsageRecord.CallerKind.OAUTH_CLIENT,
        "client-\u65e5\u672c", "gemini", "generateContent", "mod\u00e8le-\ud83d\ude00", null, 1, 2, -1, -1, -1, false,
        200, "completed", 2.0, null, new UsageRecord.Audit("full", "\u4f60\u597d \ud83d\ude00", "r\u00e9ponse", false));
    String whole = lines(foreign);
    // A write cut short in the middle of a character (a crash while appending), then whole lines.
    byte[] bytes = whole.getBytes(StandardCharsets.UTF_8);
    int cut = whole.substring(0, whole.indexOf("\u65e5")).getBytes(StandardCharsets.UTF_8).length + 1;
    String torn = new String(bytes, 0, cut, StandardCharsets.UTF_8);
    List<UsageRecord> read = new ArrayList<>();
    int[] malformed = {0};
    UsageRecordLines.read(" \t\r\n" + whole + torn + "\n" + lines(PLAIN) + "\r\n" + whole.trim(), read::add,
        () -> malformed[0]++);
    assertThat(read).containsExactly(foreign, PLAIN, foreign);
    assertThat(malformed[0]).isEqualTo(1);
  }
}
