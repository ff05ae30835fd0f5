package dev.portcullis.testkit;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

/**
 * A stand-in for OpenAI's chat completions API ({@code POST .../chat/completions}, JSON and
 * {@code "stream": true} SSE) that injects faults, for soak tests of the gateway's retries,
 * circuit breakers and failover.
 *
 * <p><b>Answers are verifiable end to end.</b> The caller puts a call id ({@code soak-<run>-<n>},
 * see {@link #CALL_ID}) in the last user message and the number of pieces it wants in
 * {@code max_tokens}; the answer is {@link #expectedAnswer(String, int)}: the call id and a colon,
 * then words derived from the call id only. A stream sends one {@code chat.completion.chunk} per
 * piece (after a role chunk), a finish chunk, a usage chunk when {@code stream_options.include_usage}
 * asks for it, then {@code data: [DONE]}.
 *
 * <p><b>Faults.</b> Each request draws whether it fails ({@link Options#faultRate}) and how
 * ({@link Options#mix}, weights by {@link Fault}) from a random generator seeded by the seed, the
 * call id and the attempt number, so a call's faults are the same in every run with that seed
 * whatever the order requests arrive in. A request header {@code x-fault: <kind>} forces a kind.
 * Resets are real TCP resets (the server's sockets linger 0, and a reset after some bytes waits
 * until they are written so that the peer has them before the reset).
 *
 * <p><b>What it records.</b> Per call id: the requests received, which key each came with (the
 * {@code Authorization} bearer value), the fault each got, and how many arrived after this upstream
 * had already written the first byte of a 200 answer body for that call id: a request the gateway
 * sent again although an answer had already begun (for a stream: the client may already hold part
 * of it), a duplicate side effect. Error answers (429, 500, 503) are not answers begun: repeating
 * those is what a retry is for. {@link #stats()} and {@code GET /_soak/stats} give the totals,
 * {@link #call(String)} and {@code GET /_soak/calls/<id>} one call, {@link #retriedOrFaulted()} and
 * {@code GET /_soak/faulted} every call with a fault or more than one request.
 *
 * <p>In a test: {@code FaultyUpstream.start(vertx, 0, Options.defaults())}, then
 * {@link #baseUrl()}. Standalone: {@code FaultyUpstream --port 18091 --fault-rate 0.01 --seed 7
 * [--mix 429=1,500=1,...] [--stall-ms 5000] [--drip-ms 30] [--interval-ms 1]}.
 */
public final class FaultyUpstream implements AutoCloseable {

  /** Where a caller puts its call id: anywhere in the last user message. */
  public static final Pattern CALL_ID = Pattern.compile("soak-[A-Za-z0-9][A-Za-z0-9_-]*");
  /** The request header that forces a fault kind (its {@link Fault#wireName()}). */
  public static final String FAULT_HEADER = "x-fault";

  /** How one request is answered. */
  public enum Fault {
    /** A correct answer. */
    NONE("none"),
    /** The TCP connection is reset as soon as the request is read: no status, no headers. */
    RESET_BEFORE_HEADERS("reset-before-headers"),
    /**
     * 200 and its headers, then (stream) some chunks or (JSON) part of the body, then a reset.
     * Sometimes nothing after the headers.
     */
    RESET_AFTER_HEADERS("reset-after-headers"),
    /** 429 with {@code Retry-After: 1} and OpenAI's rate-limit error body. */
    RATE_LIMITED("429"),
    /** 500 {@code {"error":{"message":"The server is overloaded","type":"server_error"}}}. */
    SERVER_ERROR("500"),
    /** 503 with OpenAI's "engine overloaded" error body. */
    UNAVAILABLE("503"),
    /** Nothing at all for {@link Options#stallMs}, then a reset. */
    STALL_BEFORE_FIRST_BYTE("stall-before-first-byte"),
    /** 200, some chunks (JSON: part of the body), then nothing for {@link Options#stallMs}, then a reset. */
    STALL_MID_STREAM("stall-mid-stream"),
    /**
     * 200, some chunks, then a clean end of the response without the last chunks and without
     * {@code data: [DONE]}. For a JSON answer: a chunked body cut off mid-JSON, ended cleanly.
     */
    TRUNCATED_STREAM("truncated-stream"),
    /** The correct answer, each chunk (JSON: each sixth of the body) {@link Options#dripMs} apart. */
    SLOW_DRIP("slow-drip");

    private final String wireName;

    Fault(String wireName) {
      this.wireName = wireName;
    }

    /** The name in {@code x-fault}, in {@code --mix}, in the stats. */
    public String wireName() {
      return wireName;
    }

    /** By wire name ({@code 429}, {@code stall-mid-stream}) or constant name, case-insensitive. */
    public static Fault named(String name) {
      String wanted = name.trim().toLowerCase(Locale.ROOT);
      for (Fault fault : values()) {
        if (fault.wireName.equals(wanted) || fault.name().toLowerCase(Locale.ROOT).equals(wanted)
            || fault.name().toLowerCase(Locale.ROOT).replace('_', '-').equals(wanted)) {
          return fault;
        }
      }
      throw new IllegalArgumentException("unknown fault '" + name + "'; expected one of "
          + Arrays.stream(values()).map(Fault::wireName).toList());
    }

    /** Every kind that is a fault (all but {@link #NONE}). */
    public static List<Fault> injected() {
      return Arrays.stream(values()).filter(f -> f != NONE).toList();
    }
  }

  /**
   * How faults are injected and answers paced.
   *
   * @param host the interface to listen on
   * @param faultRate the share of requests that get a fault, 0 to 1
   * @param seed the seed of every draw
   * @param mix the relative weight of each fault kind (kinds left out never happen)
   * @param stallMs how long a stall lasts before the connection is reset: longer than the gateway's
   *     first-byte and idle timeouts
   * @param dripMs the pause between chunks of a slow drip
   * @param chunkIntervalMs the pause between chunks of a normal stream (0: all at once)
   * @param defaultPieces pieces of an answer whose request has no {@code max_tokens}
   * @param idleTimeoutMs idle keep-alive connections are closed after this long (longer than any
   *     stall, so that only faults close a connection with a request on it)
   */
  public record Options(String host, double faultRate, long seed, Map<Fault, Double> mix, long stallMs, long dripMs,
      long chunkIntervalMs, int defaultPieces, long idleTimeoutMs) {

    public Options {
      if (!(faultRate >= 0 && faultRate <= 1)) {
        throw new IllegalArgumentException("faultRate must be between 0 and 1, got " + faultRate);
      }
      mix = new EnumMap<>(mix.isEmpty() ? Map.of(Fault.NONE, 0.0) : mix);
      mix.remove(Fault.NONE);
      double total = 0;
      for (double weight : mix.values()) {
        if (!(weight >= 0)) {
          throw new IllegalArgumentException("fault weights must be 0 or more: " + mix);
        }
        total += weight;
      }
      if (faultRate > 0 && total <= 0) {
        throw new IllegalArgumentException("a fault rate above 0 needs a fault kind with a weight above 0");
      }
      if (stallMs < 0 || dripMs < 0 || chunkIntervalMs < 0 || defaultPieces < 1 || idleTimeoutMs < 1) {
        throw new IllegalArgumentException("stallMs, dripMs and chunkIntervalMs must be 0 or more, defaultPieces and"
            + " idleTimeoutMs 1 or more");
      }
      mix = java.util.Collections.unmodifiableMap(mix);
    }

    /** 1% faults, every kind equally likely, seed 1, stalls of 5 s, drips of 30 ms, chunks 1 ms apart. */
    public static Options defaults() {
      return new Options("127.0.0.1", 0.01, 1L, evenMix(), 5_000, 30, 1, 16, 15_000);
    }

    /** Every fault kind with weight 1. */
    public static Map<Fault, Double> evenMix() {
      Map<Fault, Double> mix = new EnumMap<>(Fault.class);
      Fault.injected().forEach(f -> mix.put(f, 1.0));
      return mix;
    }

    /**
     * {@code all}, or {@code kind=weight,...} ({@code 429=2,stall-mid-stream=1}), or a list of kinds
     * ({@code 429,500}) each of weight 1.
     */
    public static Map<Fault, Double> parseMix(String text) {
      if (text == null || text.isBlank() || text.trim().equals("all")) {
        return evenMix();
      }
      Map<Fault, Double> mix = new EnumMap<>(Fault.class);
      for (String part : text.split(",")) {
        if (part.isBlank()) {
          continue;
        }
        int eq = part.indexOf('=');
        Fault fault = Fault.named(eq < 0 ? part : part.substring(0, eq));
        mix.put(fault, eq < 0 ? 1.0 : Double.parseDouble(part.substring(eq + 1).trim()));
      }
      return mix;
    }

    public Options withHost(String value) {
      return new Options(value, faultRate, seed, mix, stallMs, dripMs, chunkIntervalMs, defaultPieces, idleTimeoutMs);
    }

    public Options withFaultRate(double value) {
      return new Options(host, value, seed, mix, stallMs, dripMs, chunkIntervalMs, defaultPieces, idleTimeoutMs);
    }

    public Options withSeed(long value) {
      return new Options(host, faultRate, value, mix, stallMs, dripMs, chunkIntervalMs, defaultPieces, idleTimeoutMs);
    }

    public Options withMix(Map<Fault, Double> value) {
      return new Options(host, faultRate, seed, value, stallMs, dripMs, chunkIntervalMs, defaultPieces, idleTimeoutMs);
    }

    public Options withStallMs(long value) {
      return new Options(host, faultRate, seed, mix, value, dripMs, chunkIntervalMs, defaultPieces, idleTimeoutMs);
    }

    public Options withDripMs(long value) {
      return new Options(host, faultRate, seed, mix, stallMs, value, chunkIntervalMs, defaultPieces, idleTimeoutMs);
    }

    public Options withChunkIntervalMs(long value) {
      return new Options(host, faultRate, seed, mix, stallMs, dripMs, value, defaultPieces, idleTimeoutMs);
    }

    public Options withIdleTimeoutMs(long value) {
      return new Options(host, faultRate, seed, mix, stallMs, dripMs, chunkIntervalMs, defaultPieces, value);
    }

    public JsonObject toJson() {
      JsonObject weights = new JsonObject();
      mix.forEach((fault, weight) -> weights.put(fault.wireName(), weight));
      return new JsonObject().put("faultRate", faultRate).put("seed", seed).put("mix", weights)
          .put("stallMs", stallMs).put("dripMs", dripMs).put("chunkIntervalMs", chunkIntervalMs)
          .put("idleTimeoutMs", idleTimeoutMs);
    }
  }

  /**
   * One request of a call: the key it came with, the fault it got, whether it asked for a stream,
   * whether this upstream began a 200 answer to it (wrote its first body byte), and whether it
   * arrived after an answer to an earlier request of the call had begun (a duplicate).
   */
  public record Attempt(String key, Fault fault, boolean stream, boolean answerBegun, boolean afterFirstByte) {

    /** {@code 500@sk-a}, with {@code [answer begun]} and {@code [after a first byte]} where they apply. */
    @Override
    public String toString() {
      return fault.wireName() + "@" + key + (answerBegun ? " [answer begun]" : "") + (afterFirstByte ? " [after a first byte]" : "");
    }
  }

  /** What arrived for one call id. */
  public record CallStats(String callId, int requests, int requestsAfterFirstByte, boolean answerBegun,
      List<Attempt> attempts) {

    public JsonObject toJson() {
      JsonArray list = new JsonArray();
      attempts.forEach(a -> list.add(new JsonObject().put("key", a.key()).put("fault", a.fault().wireName())
          .put("stream", a.stream()).put("answerBegun", a.answerBegun()).put("afterFirstByte", a.afterFirstByte())));
      return new JsonObject().put("callId", callId).put("requests", requests)
          .put("requestsAfterFirstByte", requestsAfterFirstByte).put("answerBegun", answerBegun).put("attempts", list);
    }

    public static CallStats fromJson(JsonObject json) {
      List<Attempt> attempts = new ArrayList<>();
      for (Object o : json.getJsonArray("attempts", new JsonArray())) {
        JsonObject a = (JsonObject) o;
        attempts.add(new Attempt(a.getString("key"), Fault.named(a.getString("fault")), a.getBoolean("stream", false),
            a.getBoolean("answerBegun", false), a.getBoolean("afterFirstByte", false)));
      }
      return new CallStats(json.getString("callId"), json.getInteger("requests", 0),
          json.getInteger("requestsAfterFirstByte", 0), json.getBoolean("answerBegun", false), attempts);
    }
  }

  /**
   * Totals since start (or the last reset).
   *
   * @param requests chat requests received
   * @param callIds distinct call ids among them
   * @param withoutCallId requests without a call id (never counted as duplicates)
   * @param callsRetried call ids that arrived more than once
   * @param callsFailedOver call ids that arrived with more than one key
   * @param duplicatesAfterFirstByte requests that arrived after an answer for their call id had
   *     begun (must be 0)
   * @param callsWithDuplicates call ids with at least one such request
   * @param byKey requests per key
   * @param streamFaults requests per fault kind, of streamed requests
   * @param jsonFaults requests per fault kind, of non-streamed requests
   */
  public record Stats(long requests, long callIds, long withoutCallId, long callsRetried, long callsFailedOver,
      long duplicatesAfterFirstByte, long callsWithDuplicates, Map<String, Long> byKey, Map<String, Long> streamFaults,
      Map<String, Long> jsonFaults, JsonObject options) {

    public JsonObject toJson() {
      return new JsonObject().put("requests", requests).put("callIds", callIds).put("withoutCallId", withoutCallId)
          .put("callsRetried", callsRetried).put("callsFailedOver", callsFailedOver)
          .put("duplicatesAfterFirstByte", duplicatesAfterFirstByte).put("callsWithDuplicates", callsWithDuplicates)
          .put("byKey", new JsonObject(new LinkedHashMap<>(byKey)))
          .put("byFault", new JsonObject().put("stream", new JsonObject(new LinkedHashMap<>(streamFaults)))
              .put("json", new JsonObject(new LinkedHashMap<>(jsonFaults))))
          .put("options", options);
    }

    public static Stats fromJson(JsonObject json) {
      JsonObject byFault = json.getJsonObject("byFault", new JsonObject());
      return new Stats(json.getLong("requests", 0L), json.getLong("callIds", 0L), json.getLong("withoutCallId", 0L),
          json.getLong("callsRetried", 0L), json.getLong("callsFailedOver", 0L),
          json.getLong("duplicatesAfterFirstByte", 0L), json.getLong("callsWithDuplicates", 0L),
          longs(json.getJsonObject("byKey")), longs(byFault.getJsonObject("stream")), longs(byFault.getJsonObject("json")),
          json.getJsonObject("options", new JsonObject()));
    }

    private static Map<String, Long> longs(JsonObject json) {
      Map<String, Long> map = new TreeMap<>();
      if (json != null) {
        json.forEach(e -> map.put(e.getKey(), ((Number) e.getValue()).longValue()));
      }
      return map;
    }
  }

  // ---- the deterministic answer ----

  private static final String[] WORDS = {
      "amber", "basil", "cedar", "delta", "ember", "fable", "gamma", "harbor", "iris", "juniper", "kelp", "lumen",
      "maple", "nectar", "onyx", "pepper", "quartz", "raven", "sable", "tundra", "umber", "velvet", "willow", "xenon",
      "yarrow", "zephyr", "acorn", "birch", "cobalt", "dune", "echo", "fjord", "garnet", "hazel", "indigo", "jade",
      "kiln", "lotus", "mica", "nimbus", "olive", "prism", "quill", "ridge", "slate", "thistle", "ultra", "vapor",
      "wren", "xylem", "yonder", "zinc", "aspen", "bramble", "cinder", "dusk", "fern", "glade", "heron", "ivory",
      "lilac", "moss", "north", "pebble"};

  /** The pieces of the answer to {@code callId}: {@code "<callId>:"}, then {@code pieces - 1} words, each after a space. */
  public static List<String> answerPieces(String callId, int pieces) {
    List<String> list = new ArrayList<>(pieces);
    list.add(callId + ":");
    long h = callId.hashCode();
    for (int i = 1; i < pieces; i++) {
      list.add(" " + WORDS[(int) (mix64(h * 31 + i) >>> 58)]);
    }
    return list;
  }

  /** The whole answer to {@code callId} with {@code pieces} pieces: what a correct client receives. */
  public static String expectedAnswer(String callId, int pieces) {
    return String.join("", answerPieces(callId, pieces));
  }

  /** CRC-32 of a text's UTF-8 bytes, in hex: a short fingerprint of an answer for reports. */
  public static String checksum(String text) {
    CRC32 crc = new CRC32();
    crc.update(text.getBytes(StandardCharsets.UTF_8));
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }

  private static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  // ---- state ----

  private static final int MAX_KEYS = 64;
  private static final String OTHER_KEY = "(other)";
  private static final long RESET_DELAY_MS = 20;

  /** What arrived for one call id; guarded by itself. */
  private static final class CallState {
    int requests;
    int afterFirstByte;
    boolean answerBegun;
    /** One per request: keyIndex << 7 | fault ordinal << 3 | after first byte << 2 | answer begun << 1 | stream. */
    short[] attempts = new short[1];
  }

  private final Vertx vertx;
  private final Options options;
  private final HttpServer server;
  private final Map<String, CallState> calls = new ConcurrentHashMap<>();
  private final Map<String, Integer> keyIndex = new ConcurrentHashMap<>();
  private final List<String> keyNames = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder withoutCallId = new LongAdder();
  private final LongAdder callsRetried = new LongAdder();
  private final LongAdder callsFailedOver = new LongAdder();
  private final LongAdder duplicates = new LongAdder();
  private final LongAdder callsWithDuplicates = new LongAdder();
  private final Map<String, LongAdder> byKey = new ConcurrentHashMap<>();
  private final LongAdder[][] byFault = new LongAdder[2][Fault.values().length];
  private final SplittableRandom unnamed;
  private final AtomicLong unnamedCounter = new AtomicLong();

  private FaultyUpstream(Vertx vertx, int port, Options options) {
    this.vertx = vertx;
    this.options = options;
    this.unnamed = new SplittableRandom(options.seed());
    for (LongAdder[] row : byFault) {
      for (int i = 0; i < row.length; i++) {
        row[i] = new LongAdder();
      }
    }
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost(options.host()).setPort(port)
        .setTcpNoDelay(true)
        // Every close this server makes is a fault (or an idle keep-alive connection): a reset.
        .setSoLinger(0)
        .setIdleTimeoutUnit(TimeUnit.MILLISECONDS).setIdleTimeout((int) Math.min(Integer.MAX_VALUE, options.idleTimeoutMs())));
    server.connectionHandler(connection -> connection.exceptionHandler(err -> { }));
    server.requestHandler(this::handle);
  }

  /** Starts on {@code port} ({@code 0}: a free one) and waits until it listens. */
  public static FaultyUpstream start(Vertx vertx, int port, Options options) {
    FaultyUpstream upstream = new FaultyUpstream(vertx, port, options);
    upstream.server.listen().await();
    return upstream;
  }

  public int port() {
    return server.actualPort();
  }

  public Options options() {
    return options;
  }

  /** {@code http://<host>:<port>/v1}: OpenAI's base URL, for a provider key's {@code baseUrl}. */
  public String baseUrl() {
    return "http://" + options.host() + ":" + port() + "/v1";
  }

  /** {@code http://<host>:<port>/_soak/stats}. */
  public String statsUrl() {
    return "http://" + options.host() + ":" + port() + "/_soak/stats";
  }

  public Stats stats() {
    Map<String, Long> keys = new TreeMap<>();
    byKey.forEach((k, v) -> keys.put(k, v.sum()));
    Map<String, Long> stream = new LinkedHashMap<>();
    Map<String, Long> json = new LinkedHashMap<>();
    for (Fault fault : Fault.values()) {
      stream.put(fault.wireName(), byFault[1][fault.ordinal()].sum());
      json.put(fault.wireName(), byFault[0][fault.ordinal()].sum());
    }
    return new Stats(requests.sum(), calls.size(), withoutCallId.sum(), callsRetried.sum(), callsFailedOver.sum(),
        duplicates.sum(), callsWithDuplicates.sum(), keys, stream, json, options.toJson());
  }

  /** What arrived for one call id, if anything did. */
  public Optional<CallStats> call(String callId) {
    CallState state = calls.get(callId);
    return state == null ? Optional.empty() : Optional.of(snapshot(callId, state));
  }

  /** Every call id that got a fault or arrived more than once, with its attempts. */
  public Map<String, CallStats> retriedOrFaulted() {
    Map<String, CallStats> result = new TreeMap<>();
    calls.forEach((id, state) -> {
      synchronized (state) {
        boolean faulted = false;
        for (int i = 0; i < state.requests; i++) {
          faulted |= ((state.attempts[i] >> 3) & 0xF) != Fault.NONE.ordinal();
        }
        if (faulted || state.requests > 1) {
          result.put(id, snapshot(id, state));
        }
      }
    });
    return result;
  }

  /** Forgets every call and count. */
  public void reset() {
    calls.clear();
    for (LongAdder adder : List.of(requests, withoutCallId, callsRetried, callsFailedOver, duplicates, callsWithDuplicates)) {
      adder.reset();
    }
    byKey.clear();
    for (LongAdder[] row : byFault) {
      for (LongAdder adder : row) {
        adder.reset();
      }
    }
  }

  @Override
  public void close() {
    server.close().await();
  }

  private CallStats snapshot(String callId, CallState state) {
    synchronized (state) {
      List<Attempt> attempts = new ArrayList<>(state.requests);
      for (int i = 0; i < state.requests; i++) {
        int a = state.attempts[i];
        attempts.add(new Attempt(keyNames.get(a >> 7), Fault.values()[(a >> 3) & 0xF], (a & 1) == 1, (a & 2) != 0,
            (a & 4) != 0));
      }
      return new CallStats(callId, state.requests, state.afterFirstByte, state.answerBegun, attempts);
    }
  }

  // ---- requests ----

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response();
    response.exceptionHandler(err -> { });
    String path = request.path();
    if (request.method() == HttpMethod.GET && path.startsWith("/_soak/")) {
      control(request, path);
      return;
    }
    if (request.method() == HttpMethod.POST && path.equals("/_soak/reset")) {
      reset();
      response.setStatusCode(204).end();
      return;
    }
    if (request.method() != HttpMethod.POST || !path.endsWith("/chat/completions")) {
      error(response, 404, OpenAiWire.error("invalid_request_error", "Unknown request URL: " + request.method() + " "
          + path.replace("\"", "") + ".", "unknown_url"));
      return;
    }
    request.body().onSuccess(body -> chat(request, body));
  }

  private void control(HttpServerRequest request, String path) {
    HttpServerResponse response = request.response().putHeader("content-type", "application/json");
    if (path.equals("/_soak/stats")) {
      response.end(stats().toJson().encode());
    } else if (path.equals("/_soak/faulted")) {
      JsonObject all = new JsonObject();
      retriedOrFaulted().forEach((id, call) -> all.put(id, call.toJson()));
      response.end(new JsonObject().put("calls", all).encode());
    } else if (path.startsWith("/_soak/calls/")) {
      Optional<CallStats> call = call(path.substring("/_soak/calls/".length()));
      if (call.isPresent()) {
        response.end(call.get().toJson().encode());
      } else {
        response.setStatusCode(404).end(OpenAiWire.error("invalid_request_error", "no such call id", null));
      }
    } else {
      response.setStatusCode(404).end(OpenAiWire.error("invalid_request_error", "unknown soak path", null));
    }
  }

  private void chat(HttpServerRequest request, Buffer body) {
    HttpServerResponse response = request.response();
    JsonObject json;
    try {
      json = new JsonObject(body);
    } catch (RuntimeException e) {
      error(response, 400, OpenAiWire.error("invalid_request_error", "We could not parse the JSON body of your request.", null));
      return;
    }
    String callId = callIdOf(json);
    int pieces = piecesOf(json);
    boolean stream = Boolean.TRUE.equals(json.getValue("stream"));
    Object modelValue = json.getValue("model");
    String model = modelValue instanceof String m && m.matches("[A-Za-z0-9._:-]{1,100}") ? m : "gpt-4o-mini";
    JsonObject streamOptions = json.getValue("stream_options") instanceof JsonObject o ? o : null;
    boolean includeUsage = streamOptions != null && Boolean.TRUE.equals(streamOptions.getValue("include_usage"));
    String key = keyOf(request.getHeader("Authorization"));

    Fault forced;
    try {
      forced = request.getHeader(FAULT_HEADER) == null ? null : Fault.named(request.getHeader(FAULT_HEADER));
    } catch (IllegalArgumentException e) {
      error(response, 400, OpenAiWire.error("invalid_request_error", e.getMessage().replace("\"", "'"), null));
      return;
    }
    CallState state = callId == null ? null : calls.computeIfAbsent(callId, id -> new CallState());
    SplittableRandom random;
    Fault fault;
    int attemptIndex = -1;
    requests.increment();
    byKey.computeIfAbsent(key, k -> new LongAdder()).increment();
    if (state == null) {
      withoutCallId.increment();
      synchronized (unnamed) {
        random = unnamed.split();
      }
      fault = forced != null ? forced : draw(random);
    } else {
      int keyId = keyId(key);
      synchronized (state) {
        int attempt = state.requests;
        random = new SplittableRandom(mix64(options.seed() * 0x9E3779B97F4A7C15L + callId.hashCode() * 1_000_003L + attempt));
        fault = forced != null ? forced : draw(random);
        if (state.requests == state.attempts.length) {
          state.attempts = Arrays.copyOf(state.attempts, state.attempts.length * 2);
        }
        boolean newKey = true;
        for (int i = 0; i < state.requests; i++) {
          newKey &= (state.attempts[i] >> 7) != keyId;
        }
        attemptIndex = state.requests;
        state.attempts[state.requests++] = (short) (keyId << 7 | fault.ordinal() << 3 | (state.answerBegun ? 4 : 0)
            | (stream ? 1 : 0));
        if (state.requests == 2) {
          callsRetried.increment();
        }
        if (newKey && state.requests > 1 && distinctKeys(state) == 2) {
          callsFailedOver.increment();
        }
        if (state.answerBegun) {
          duplicates.increment();
          if (state.afterFirstByte++ == 0) {
            callsWithDuplicates.increment();
          }
        }
      }
    }
    byFault[stream ? 1 : 0][fault.ordinal()].increment();
    Exchange exchange = new Exchange(request, state, attemptIndex, random);
    String id = callId != null ? callId : "soak-unnamed-" + unnamedCounter.incrementAndGet();
    List<String> answer = answerPieces(id, pieces);
    int promptTokens = 12 + body.length() / 4;
    if (stream) {
      List<String> chunks = new ArrayList<>(OpenAiWire.chatTextStream(model, answer, promptTokens, pieces));
      if (!includeUsage) {
        chunks.remove(chunks.size() - 1);
      }
      List<Buffer> frames = new ArrayList<>(chunks.size() + 1);
      chunks.forEach(c -> frames.add(Buffer.buffer("data: " + c + "\n\n")));
      frames.add(Buffer.buffer("data: [DONE]\n\n"));
      exchange.stream(fault, frames);
    } else {
      exchange.json(fault, Buffer.buffer(OpenAiWire.chatCompletion(model, String.join("", answer), promptTokens, pieces)));
    }
  }

  private static int distinctKeys(CallState state) {
    java.util.Set<Integer> keys = new java.util.HashSet<>();
    for (int i = 0; i < state.requests; i++) {
      keys.add(state.attempts[i] >> 7);
    }
    return keys.size();
  }

  private Fault draw(SplittableRandom random) {
    if (options.faultRate() <= 0 || random.nextDouble() >= options.faultRate()) {
      return Fault.NONE;
    }
    double total = options.mix().values().stream().mapToDouble(Double::doubleValue).sum();
    double pick = random.nextDouble() * total;
    Fault last = Fault.NONE;
    for (Map.Entry<Fault, Double> entry : options.mix().entrySet()) {
      if (entry.getValue() <= 0) {
        continue;
      }
      last = entry.getKey();
      pick -= entry.getValue();
      if (pick < 0) {
        return last;
      }
    }
    return last;
  }

  private int keyId(String key) {
    Integer known = keyIndex.get(key);
    if (known != null) {
      return known;
    }
    synchronized (keyNames) {
      known = keyIndex.get(key);
      if (known != null) {
        return known;
      }
      if (keyNames.size() >= MAX_KEYS - 1 && !OTHER_KEY.equals(key)) {
        // Beyond the table: every further key is one "(other)", which always finds its place.
        return keyId(OTHER_KEY);
      }
      keyNames.add(key);
      keyIndex.put(key, keyNames.size() - 1);
      return keyNames.size() - 1;
    }
  }

  private static String keyOf(String authorization) {
    if (authorization == null || authorization.isBlank()) {
      return "(none)";
    }
    String value = authorization.regionMatches(true, 0, "Bearer ", 0, 7) ? authorization.substring(7).trim() : authorization.trim();
    return value.length() > 64 ? value.substring(0, 64) : value;
  }

  /** The call id in the last user message (a string, or text parts), or {@code null}. */
  static String callIdOf(JsonObject json) {
    if (!(json.getValue("messages") instanceof JsonArray messages)) {
      return null;
    }
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.getValue(i) instanceof JsonObject message && "user".equals(message.getValue("role"))) {
        StringBuilder text = new StringBuilder();
        Object content = message.getValue("content");
        if (content instanceof String s) {
          text.append(s);
        } else if (content instanceof JsonArray parts) {
          for (Object part : parts) {
            if (part instanceof JsonObject p && p.getValue("text") instanceof String t) {
              text.append(t).append(' ');
            }
          }
        }
        Matcher matcher = CALL_ID.matcher(text);
        return matcher.find() ? matcher.group() : null;
      }
    }
    return null;
  }

  private int piecesOf(JsonObject json) {
    Object value = json.getValue("max_completion_tokens");
    if (!(value instanceof Number)) {
      value = json.getValue("max_tokens");
    }
    return value instanceof Number n ? (int) Math.max(1, Math.min(1000, n.longValue())) : options.defaultPieces();
  }

  private static void error(HttpServerResponse response, int status, String body) {
    response.setStatusCode(status).putHeader("content-type", "application/json").end(body);
  }

  /** One request being answered: writes, pacing, faults, and the first-byte mark. */
  private final class Exchange {
    private final HttpServerRequest request;
    private final HttpServerResponse response;
    private final CallState state;
    private final int attempt;
    private final SplittableRandom random;
    private boolean closed;

    Exchange(HttpServerRequest request, CallState state, int attempt, SplittableRandom random) {
      this.request = request;
      this.response = request.response();
      this.state = state;
      this.attempt = attempt;
      this.random = random;
      response.closeHandler(v -> closed = true);
    }

    void stream(Fault fault, List<Buffer> frames) {
      int m = frames.size(); // the last one is [DONE]
      switch (fault) {
        case RESET_BEFORE_HEADERS -> resetNow();
        case RATE_LIMITED, SERVER_ERROR, UNAVAILABLE -> errorAnswer(fault);
        case STALL_BEFORE_FIRST_BYTE -> vertx.setTimer(Math.max(1, options.stallMs()), t -> resetNow());
        default -> {
          response.setChunked(true).putHeader("content-type", "text/event-stream; charset=utf-8")
              .putHeader("cache-control", "no-cache").putHeader("x-request-id", "req_soak");
          switch (fault) {
            case NONE -> send(frames, 0, m, options.chunkIntervalMs(), this::end);
            case SLOW_DRIP -> send(frames, 0, m, options.dripMs(), this::end);
            // 0 to m-2 frames: at most up to the usage chunk, never [DONE].
            case RESET_AFTER_HEADERS -> send(frames, 0, random.nextInt(m - 1), options.chunkIntervalMs(), this::resetSoon);
            case STALL_MID_STREAM -> send(frames, 0, 1 + random.nextInt(m - 2), options.chunkIntervalMs(),
                () -> vertx.setTimer(Math.max(1, options.stallMs()), t -> resetNow()));
            // 1 to m-2 frames: the last data chunk (usage, or finish without usage) and [DONE] never go.
            case TRUNCATED_STREAM -> send(frames, 0, 1 + random.nextInt(m - 2), options.chunkIntervalMs(), this::end);
            default -> throw new IllegalStateException(fault.name());
          }
        }
      }
    }

    void json(Fault fault, Buffer body) {
      int length = body.length();
      switch (fault) {
        case RESET_BEFORE_HEADERS -> resetNow();
        case RATE_LIMITED, SERVER_ERROR, UNAVAILABLE -> errorAnswer(fault);
        case STALL_BEFORE_FIRST_BYTE -> vertx.setTimer(Math.max(1, options.stallMs()), t -> resetNow());
        case NONE -> {
          response.putHeader("content-type", "application/json").putHeader("x-request-id", "req_soak");
          response.end(body).onSuccess(v -> begun());
        }
        case SLOW_DRIP -> {
          response.setChunked(true).putHeader("content-type", "application/json").putHeader("x-request-id", "req_soak");
          List<Buffer> parts = new ArrayList<>();
          int step = Math.max(1, (length + 5) / 6);
          for (int from = 0; from < length; from += step) {
            parts.add(body.getBuffer(from, Math.min(length, from + step)));
          }
          send(parts, 0, parts.size(), options.dripMs(), this::end);
        }
        case RESET_AFTER_HEADERS, STALL_MID_STREAM -> {
          // Content-Length promises the whole body; part of it comes.
          response.putHeader("content-type", "application/json").putHeader("x-request-id", "req_soak")
              .putHeader("content-length", String.valueOf(length));
          int sent = fault == Fault.RESET_AFTER_HEADERS ? random.nextInt(length / 2 + 1) : 1 + random.nextInt(length / 2);
          List<Buffer> part = sent == 0 ? List.of() : List.of(body.getBuffer(0, sent));
          send(part, 0, part.size(), 0, fault == Fault.RESET_AFTER_HEADERS ? this::resetSoon
              : () -> vertx.setTimer(Math.max(1, options.stallMs()), t -> resetNow()));
        }
        case TRUNCATED_STREAM -> {
          // A body cut short in transit: the whole length is announced, a part arrives, the
          // connection goes. (A body that ends cleanly but short would be the upstream's own
          // malformed answer, which no proxy can tell from a whole one without parsing it.)
          response.putHeader("content-type", "application/json").putHeader("x-request-id", "req_soak")
              .putHeader("content-length", Integer.toString(length));
          int sent = 1 + random.nextInt(length - 1);
          send(List.of(body.getBuffer(0, sent)), 0, 1, 0, this::resetSoon);
        }
        default -> throw new IllegalStateException(fault.name());
      }
    }

    private void errorAnswer(Fault fault) {
      response.putHeader("content-type", "application/json").putHeader("x-request-id", "req_soak");
      switch (fault) {
        case RATE_LIMITED -> response.setStatusCode(429).putHeader("retry-after", "1")
            .putHeader("x-ratelimit-remaining-requests", "0")
            .end(OpenAiWire.error("requests", "Rate limit reached for requests in organization org-soak on requests"
                + " per min (RPM): Limit 1000, Used 1000, Requested 1. Please try again in 1s.", "rate_limit_exceeded"));
        case SERVER_ERROR -> response.setStatusCode(500)
            .end("{\"error\":{\"message\":\"The server is overloaded\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
        case UNAVAILABLE -> response.setStatusCode(503)
            .end("{\"error\":{\"message\":\"The engine is currently overloaded, please try again later\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}");
        default -> throw new IllegalStateException(fault.name());
      }
    }

    /** Writes {@code frames[from, to)}, {@code intervalMs} apart, then runs {@code then}. */
    private void send(List<Buffer> frames, int from, int to, long intervalMs, Runnable then) {
      if (closed) {
        return;
      }
      if (from >= to) {
        if (from == 0) {
          // Nothing of the body: the head alone.
          response.writeHead().onComplete(ar -> then.run());
        } else {
          then.run();
        }
        return;
      }
      Future<Void> written = response.write(frames.get(from));
      if (from == 0) {
        written.onSuccess(v -> begun());
      }
      if (from + 1 == to) {
        written.onComplete(ar -> then.run());
      } else if (intervalMs <= 0) {
        send(frames, from + 1, to, intervalMs, then);
      } else {
        vertx.setTimer(intervalMs, t -> send(frames, from + 1, to, intervalMs, then));
      }
    }

    private void end() {
      if (!closed) {
        response.end();
      }
    }

    /** The first byte of a 200 answer's body is out: a request for this call id from now on is a duplicate. */
    private void begun() {
      if (state != null && response.getStatusCode() == 200) {
        synchronized (state) {
          state.answerBegun = true;
          state.attempts[attempt] |= 2;
        }
      }
    }

    private void resetNow() {
      if (!closed) {
        request.connection().close();
      }
    }

    /** A reset after what was written reached the peer (a reset right away could drop it). */
    private void resetSoon() {
      vertx.setTimer(RESET_DELAY_MS, t -> resetNow());
    }
  }

  // ---- standalone ----

  public static void main(String[] args) {
    Options options = Options.defaults();
    int port = 0;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String value = i + 1 < args.length ? args[i + 1] : null;
      switch (arg) {
        case "--port" -> port = Integer.parseInt(value);
        case "--host" -> options = options.withHost(value);
        case "--fault-rate" -> options = options.withFaultRate(Double.parseDouble(value));
        case "--seed" -> options = options.withSeed(Long.parseLong(value));
        case "--mix" -> options = options.withMix(Options.parseMix(value));
        case "--stall-ms" -> options = options.withStallMs(Long.parseLong(value));
        case "--drip-ms" -> options = options.withDripMs(Long.parseLong(value));
        case "--interval-ms" -> options = options.withChunkIntervalMs(Long.parseLong(value));
        case "--idle-timeout-ms" -> options = options.withIdleTimeoutMs(Long.parseLong(value));
        case "--help", "-h" -> {
          System.out.println("FaultyUpstream [--port N] [--host H] [--fault-rate 0.01] [--seed 1] [--mix all|kind=weight,...]"
              + " [--stall-ms 5000] [--drip-ms 30] [--interval-ms 1] [--idle-timeout-ms 15000]\nkinds: "
              + Fault.injected().stream().map(Fault::wireName).toList());
          return;
        }
        default -> throw new IllegalArgumentException("unknown argument " + arg + " (--help lists them)");
      }
      i++;
    }
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    FaultyUpstream upstream = start(vertx, port, options);
    System.out.println("faulty upstream listening on " + upstream.port() + " " + options.toJson().encode());
  }
}
