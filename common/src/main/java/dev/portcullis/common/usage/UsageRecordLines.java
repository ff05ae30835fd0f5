package dev.portcullis.common.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;

/**
 * Usage records as JSON lines, written and read by streaming, without a JSON tree per record:
 * every call's record is written once to the gateway's journal and read once by the ledger, so
 * this runs as often as calls do. The fields are those of {@link UsageRecord#toJson}.
 */
public final class UsageRecordLines {

  /** Audited bodies are bounded (64 MB each at most): a record is never larger than this. */
  private static final int MAX_RECORD_CHARS = 160 * 1024 * 1024;
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(MAX_RECORD_CHARS).build())
      .build();

  private UsageRecordLines() {}

  /** Appends the record as one line (a JSON object and {@code '\n'}). */
  public static void write(UsageRecord r, ByteArrayOutputStream out) {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("id", r.id());
      json.writeNumberField("time", r.timeMillis());
      string(json, "proxy", r.llmProxyId());
      json.writeStringField("callerKind", r.callerKind().wire());
      string(json, "callerId", r.callerId());
      string(json, "provider", r.provider());
      string(json, "operation", r.operation());
      string(json, "requestedModel", r.requestedModel());
      string(json, "answeredModel", r.answeredModel());
      json.writeNumberField("in", r.inputTokens());
      json.writeNumberField("out", r.outputTokens());
      json.writeNumberField("cached", r.cachedInputTokens());
      json.writeNumberField("cacheWrite", r.cacheWriteTokens());
      json.writeNumberField("reasoning", r.reasoningTokens());
      json.writeBooleanField("stream", r.stream());
      json.writeNumberField("status", r.status());
      string(json, "outcome", r.outcome());
      json.writeNumberField("latencyMs", r.latencyMs());
      if (r.ttfbMs() != null) {
        json.writeNumberField("ttfbMs", r.ttfbMs());
      }
      UsageRecord.Audit audit = r.audit();
      if (audit != null) {
        json.writeObjectFieldStart("audit");
        string(json, "level", audit.level());
        string(json, "request", audit.requestBody());
        string(json, "response", audit.responseBody());
        json.writeBooleanField("truncated", audit.truncated());
        json.writeEndObject();
      }
      string(json, "limits", r.limits());
      string(json, "policy", r.policy());
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.write('\n');
  }

  private static void string(JsonGenerator json, String name, String value) throws IOException {
    if (value != null) {
      json.writeStringField(name, value);
    }
  }

  /**
   * Reads every record of {@code lines} (JSON objects separated by line ends). A line that is not
   * a record is skipped and counted by {@code malformed}; reading goes on with the next line.
   */
  public static void read(String lines, Consumer<UsageRecord> records, Runnable malformed) {
    read(lines.getBytes(StandardCharsets.UTF_8), line -> records.accept(line.record()), malformed);
  }

  /**
   * Reads every record of {@code utf8} (JSON objects separated by line ends), each line parsed
   * where it lies: no string per line, no copy of the batch. A record comes with its line
   * ({@link RecordLine}) when that line says nothing but the record (no audited bodies, no field
   * this version does not know), so it can be stored as it is; otherwise its line is null. A line
   * that is not a record is skipped and counted by {@code malformed}.
   */
  public static void read(byte[] utf8, Consumer<RecordLine> records, Runnable malformed) {
    read(utf8, null, records, malformed);
  }

  /**
   * As {@link #read(byte[], Consumer, Runnable)}, with the records the lines were written from
   * where the caller still has them ({@link UsageLines#takeWritten}): one per non-blank line, in
   * order, null where one was not kept. A line with its record is not parsed again; a line
   * without one is. When {@code written} does not hold one entry per line, it is not used at all.
   */
  public static void read(byte[] utf8, List<UsageRecord> written, Consumer<RecordLine> records, Runnable malformed) {
    List<UsageRecord> known = written != null && written.size() == lineCount(utf8) ? written : null;
    boolean[] unknownField = new boolean[1];
    int index = 0;
    int start = 0;
    while (start < utf8.length) {
      int end = lineEnd(utf8, start);
      if (!blank(utf8, start, end)) {
        UsageRecord record = known == null ? null : known.get(index);
        index++;
        unknownField[0] = false;
        if (record == null) {
          try (JsonParser parser = JSON.createParser(utf8, start, end - start)) {
            record = record(parser, unknownField);
          } catch (IOException | RuntimeException notARecord) {
            record = null;
          }
        }
        if (record == null) {
          malformed.run();
        } else if (unknownField[0] || record.audit() != null) {
          records.accept(RecordLine.of(record));
        } else {
          records.accept(new RecordLine(record, utf8, start, end));
        }
      }
      start = end + 1;
    }
  }

  /** Where the line that starts at {@code start} ends: its {@code '\n'}, or the end of {@code utf8}. */
  private static int lineEnd(byte[] utf8, int start) {
    int end = start;
    while (end < utf8.length && utf8[end] != '\n') {
      end++;
    }
    return end;
  }

  /** How many non-blank lines {@code utf8} holds. */
  private static int lineCount(byte[] utf8) {
    int count = 0;
    int start = 0;
    while (start < utf8.length) {
      int end = lineEnd(utf8, start);
      if (!blank(utf8, start, end)) {
        count++;
      }
      start = end + 1;
    }
    return count;
  }

  /** Whether {@code bytes[start, end)} holds only white space (as {@link String#isBlank} sees ASCII). */
  private static boolean blank(byte[] bytes, int start, int end) {
    for (int i = start; i < end; i++) {
      byte b = bytes[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != 0x0b && b != '\f' && !(b >= 0x1c && b <= 0x1f)) {
        return false;
      }
    }
    return true;
  }

  /** For tests and tools: the records of {@code lines}, failing on a malformed one. */
  public static List<UsageRecord> readAll(String lines) {
    List<UsageRecord> records = new java.util.ArrayList<>();
    read(lines, records::add, () -> {
      throw new IllegalArgumentException("not a usage record");
    });
    return records;
  }

  private static UsageRecord record(JsonParser json, boolean[] unknownField) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw new IOException("not an object");
    }
    String id = null;
    Long time = null;
    String proxy = null;
    String callerKind = null;
    String callerId = null;
    String provider = null;
    String operation = null;
    String requestedModel = null;
    String answeredModel = null;
    long in = -1;
    long out = -1;
    long cached = -1;
    long cacheWrite = -1;
    long reasoning = -1;
    boolean stream = false;
    Integer status = null;
    String outcome = null;
    double latencyMs = 0;
    Double ttfbMs = null;
    UsageRecord.Audit audit = null;
    String limits = null;
    String policy = null;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      switch (field) {
        case "id" -> id = text(json, value);
        case "time" -> time = json.getLongValue();
        case "proxy" -> proxy = text(json, value);
        case "callerKind" -> callerKind = text(json, value);
        case "callerId" -> callerId = text(json, value);
        case "provider" -> provider = text(json, value);
        case "operation" -> operation = text(json, value);
        case "requestedModel" -> requestedModel = text(json, value);
        case "answeredModel" -> answeredModel = text(json, value);
        case "in" -> in = json.getLongValue();
        case "out" -> out = json.getLongValue();
        case "cached" -> cached = json.getLongValue();
        case "cacheWrite" -> cacheWrite = json.getLongValue();
        case "reasoning" -> reasoning = json.getLongValue();
        case "stream" -> stream = json.getBooleanValue();
        case "status" -> status = json.getIntValue();
        case "outcome" -> outcome = text(json, value);
        case "latencyMs" -> latencyMs = json.getDoubleValue();
        case "ttfbMs" -> ttfbMs = value == JsonToken.VALUE_NULL ? null : json.getDoubleValue();
        case "audit" -> audit = value == JsonToken.VALUE_NULL ? null : audit(json);
        case "limits" -> limits = text(json, value);
        case "policy" -> policy = text(json, value);
        default -> {
          unknownField[0] = true;
          json.skipChildren();
        }
      }
    }
    if (id == null || time == null || status == null) {
      throw new IOException("a usage record needs an id, a time and a status");
    }
    return new UsageRecord(id, time, proxy, UsageRecord.CallerKind.ofWire(callerKind), callerId, provider, operation,
        requestedModel, answeredModel, in, out, cached, cacheWrite, reasoning, stream, status, outcome, latencyMs,
        ttfbMs, audit, limits, policy);
  }

  private static UsageRecord.Audit audit(JsonParser json) throws IOException {
    String level = null;
    String request = null;
    String response = null;
    boolean truncated = false;
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String field = json.currentName();
      JsonToken value = json.nextToken();
      switch (field) {
        case "level" -> level = text(json, value);
        case "request" -> request = text(json, value);
        case "response" -> response = text(json, value);
        case "truncated" -> truncated = json.getBooleanValue();
        default -> json.skipChildren();
      }
    }
    return new UsageRecord.Audit(level, request, response, truncated);
  }

  private static String text(JsonParser json, JsonToken value) throws IOException {
    return value == JsonToken.VALUE_NULL ? null : json.getValueAsString();
  }
}
