package dev.portcullis.common.usage;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
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
    try (Writer writer = new Writer(out)) {
      writer.write(r);
    }
  }

  /**
   * Appends many records as lines to one buffer with one generator (the gateway's journal writes
   * every 50 ms of calls at once): no generator made and closed per record. Not thread-safe.
   */
  public static final class Writer implements AutoCloseable {

    private final ByteArrayOutputStream out;
    private JsonGenerator json;

    public Writer(ByteArrayOutputStream out) {
      this.out = out;
      this.json = generator(out);
    }

    /**
     * Appends the record as one line. When it fails, part of the record may be in the buffer: the
     * caller cuts it off; the next record starts afresh.
     */
    public void write(UsageRecord r) {
      try {
        object(json, r);
        json.flush();
      } catch (IOException | RuntimeException e) {
        // The generator is inside the broken record; what it holds is dropped with it.
        json = generator(out);
        throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
      }
      out.write('\n');
    }

    /** Gives the generator's buffers back (every record is already in {@code out}). */
    @Override
    public void close() {
      try {
        json.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private static JsonGenerator generator(ByteArrayOutputStream out) {
      try {
        JsonGenerator json = JSON.createGenerator(out);
        json.setRootValueSeparator(null);
        return json;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  // Names encoded once, not on every record.
  private static final SerializedString ID = new SerializedString("id");
  private static final SerializedString TIME = new SerializedString("time");
  private static final SerializedString PROXY = new SerializedString("proxy");
  private static final SerializedString CALLER_KIND = new SerializedString("callerKind");
  private static final SerializedString CALLER_ID = new SerializedString("callerId");
  private static final SerializedString PROVIDER = new SerializedString("provider");
  private static final SerializedString OPERATION = new SerializedString("operation");
  private static final SerializedString REQUESTED_MODEL = new SerializedString("requestedModel");
  private static final SerializedString ANSWERED_MODEL = new SerializedString("answeredModel");
  private static final SerializedString IN = new SerializedString("in");
  private static final SerializedString OUT = new SerializedString("out");
  private static final SerializedString CACHED = new SerializedString("cached");
  private static final SerializedString CACHE_WRITE = new SerializedString("cacheWrite");
  private static final SerializedString REASONING = new SerializedString("reasoning");
  private static final SerializedString STREAM = new SerializedString("stream");
  private static final SerializedString STATUS = new SerializedString("status");
  private static final SerializedString OUTCOME = new SerializedString("outcome");
  private static final SerializedString LATENCY_MS = new SerializedString("latencyMs");
  private static final SerializedString TTFB_MS = new SerializedString("ttfbMs");
  private static final SerializedString AUDIT = new SerializedString("audit");
  private static final SerializedString LIMITS = new SerializedString("limits");
  private static final SerializedString POLICY = new SerializedString("policy");
  private static final SerializedString LEVEL = new SerializedString("level");
  private static final SerializedString REQUEST = new SerializedString("request");
  private static final SerializedString RESPONSE = new SerializedString("response");
  private static final SerializedString TRUNCATED = new SerializedString("truncated");

  private static void object(JsonGenerator json, UsageRecord r) throws IOException {
    json.writeStartObject();
    string(json, ID, r.id());
    number(json, TIME, r.timeMillis());
    string(json, PROXY, r.llmProxyId());
    string(json, CALLER_KIND, r.callerKind().wire());
    string(json, CALLER_ID, r.callerId());
    string(json, PROVIDER, r.provider());
    string(json, OPERATION, r.operation());
    string(json, REQUESTED_MODEL, r.requestedModel());
    string(json, ANSWERED_MODEL, r.answeredModel());
    number(json, IN, r.inputTokens());
    number(json, OUT, r.outputTokens());
    number(json, CACHED, r.cachedInputTokens());
    number(json, CACHE_WRITE, r.cacheWriteTokens());
    number(json, REASONING, r.reasoningTokens());
    json.writeFieldName(STREAM);
    json.writeBoolean(r.stream());
    number(json, STATUS, r.status());
    string(json, OUTCOME, r.outcome());
    json.writeFieldName(LATENCY_MS);
    json.writeNumber(r.latencyMs());
    if (r.ttfbMs() != null) {
      json.writeFieldName(TTFB_MS);
      json.writeNumber(r.ttfbMs());
    }
    UsageRecord.Audit audit = r.audit();
    if (audit != null) {
      json.writeFieldName(AUDIT);
      json.writeStartObject();
      string(json, LEVEL, audit.level());
      string(json, REQUEST, audit.requestBody());
      string(json, RESPONSE, audit.responseBody());
      json.writeFieldName(TRUNCATED);
      json.writeBoolean(audit.truncated());
      json.writeEndObject();
    }
    string(json, LIMITS, r.limits());
    string(json, POLICY, r.policy());
    json.writeEndObject();
  }

  /** A string field, left out when null. */
  private static void string(JsonGenerator json, SerializedString name, String value) throws IOException {
    if (value != null) {
      json.writeFieldName(name);
      json.writeString(value);
    }
  }

  private static void number(JsonGenerator json, SerializedString name, long value) throws IOException {
    json.writeFieldName(name);
    json.writeNumber(value);
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
