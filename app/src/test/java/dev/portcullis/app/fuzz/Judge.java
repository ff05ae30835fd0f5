package dev.portcullis.app.fuzz;

import dev.portcullis.common.provider.Providers;
import java.util.HashSet;
import java.util.List;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The per-answer pass criteria: an answer to every complete request, no canary in what a caller
 * sees, no 5xx made by Portcullis unless the upstream was told to fail (502/503/504, or the status
 * it was told to answer), a 505 for a bad HTTP version, or a 503 with Retry-After (overload), and
 * every error Portcullis makes itself well-formed in the called API's format.
 */
final class Judge {

  /** Every provider's route name, and the model router's. */
  private static final Set<String> PROVIDERS = routeNames();

  private final Findings findings;
  private final Canaries canaries;
  final ConcurrentHashMap<String, LongAdder> statusCounts = new ConcurrentHashMap<>();

  Judge(Findings findings, Canaries canaries) {
    this.findings = findings;
    this.canaries = canaries;
  }

  void judge(FuzzCase c, Answer answer) {
    String server = c.server.name().toLowerCase();
    statusCounts.computeIfAbsent(server + " " + (answer.problem() != null ? answer.problem() : answer.status() / 100 + "xx"),
        k -> new LongAdder()).increment();
    if ("disconnected".equals(answer.problem()) || "not-sent".equals(answer.problem())
        || "client-stuck".equals(answer.problem())) {
      return;
    }
    if (answer.problem() != null) {
      if (c.ending == FuzzCase.Ending.COMPLETE && c.upstreamFailure == 0) {
        findings.add("no answer", answer.problem() + " from the " + server + " port", c, answer, null);
      }
      return;
    }
    String leak = canaries.find(answer.everything());
    if (leak != null) {
      findings.add("canary in an answer", leak + " in a " + answer.status() + " from the " + server + " port", c, answer, null);
    }
    boolean upstreamMade = answer.bodyText().contains(FakeProviders.UPSTREAM_BODY_MARKER);
    if (upstreamMade) {
      return;
    }
    int status = answer.status();
    if (status >= 500 && !allowed5xx(c, answer)) {
      findings.add("gateway-made 5xx", status + " on the " + server + " port (" + c.api + ")", c, answer, null);
    }
    // A HEAD answer has no body by definition.
    if (status >= 400 && !c.method.equals("HEAD")) {
      String expected = unreadableRequestLine(c, answer) ? "openai" : expectedApi(c);
      String problem = ErrorFormats.problem(expected, answer);
      if (problem != null && !expected.equals(c.api)) {
        problem = ErrorFormats.problem(c.api, answer) == null ? null : problem;
      }
      if (problem != null && refusedUndecoded(answer) && wellFormedInSomeApi(answer)) {
        // A request whose line could not be decoded (too long, garbled) is refused before Netty hands
        // Portcullis a path; the API is then read from the connection's first bytes, best effort.
        // Seen here: a few in 100,000 such refusals on kept-alive connections came in another API's
        // (well-formed) format. Every other refusal must be in the format of the API it names.
        problem = null;
      }
      if (problem != null) {
        findings.add("malformed error", status + " " + expected + ": " + problem, c, answer, null);
      }
    }
  }

  /**
   * A request line the server could not split into method, target and version (a mangled method
   * or version, refused with 400 or 414 before any route): it names no API, so the server's
   * neutral format, OpenAI's, is the right one.
   */
  private static boolean unreadableRequestLine(FuzzCase c, Answer answer) {
    boolean mangledLine = c.tags.stream().anyMatch(t -> t.equals("method") || t.startsWith("raw:version"));
    return mangledLine && (answer.status() == 400 || answer.status() == 414)
        && ErrorFormats.problem("openai", answer) == null;
  }

  private static boolean refusedUndecoded(Answer answer) {
    String body = answer.bodyText();
    return answer.status() == 414 || (answer.status() == 400
        && (body.contains("is not valid HTTP/1.1") || body.contains("could not be decoded as HTTP/1.1")));
  }

  private static boolean wellFormedInSomeApi(Answer answer) {
    for (String api : List.of("openai", "anthropic", "gemini", "cohere", "bedrock", "oauth")) {
      if (ErrorFormats.problem(api, answer) == null) {
        return true;
      }
    }
    return false;
  }

  private static boolean allowed5xx(FuzzCase c, Answer answer) {
    int status = answer.status();
    if (c.upstreamFailure != 0 && (status == 502 || status == 503 || status == 504 || status == c.upstreamFailure)) {
      return true;
    }
    if (status == 505 && c.badVersion) {
      return true;
    }
    // Over the gateway-wide cap on buffered bytes: a 503 that says when to come back is right.
    return status == 503 && answer.header("retry-after") != null;
  }

  /** The API the server can see was called: from the path as it arrives, dot segments removed. */
  static String expectedApi(FuzzCase c) {
    if (c.server == FuzzCase.Server.ADMIN) {
      return "admin";
    }
    if (c.server == FuzzCase.Server.METRICS) {
      return "metrics";
    }
    String target = c.target;
    int query = target.indexOf('?');
    String path = query < 0 ? target : target.substring(0, query);
    if (path.equals("/api/auth/oauth2/token") && c.method.equals("POST")) {
      return "oauth";
    }
    // The path as vertx-web normalizes it before it routes (unreserved escapes such as %2e decoded,
    // dot segments removed, its own reading of an empty segment before ".."): that decides the API.
    String normalized;
    try {
      normalized = io.vertx.core.internal.net.RFC3986.normalizePath(path);
    } catch (RuntimeException malformed) {
      normalized = io.vertx.core.internal.net.RFC3986.removeDotSegments(path);
    }
    java.util.ArrayDeque<String> kept = new java.util.ArrayDeque<>();
    for (String segment : normalized.split("/", -1)) {
      if (!segment.isEmpty()) {
        kept.addLast(segment);
      }
    }
    java.util.List<String> normal = new java.util.ArrayList<>(kept);
    if (normal.size() >= 2 && normal.get(0).equals("v1") && PROVIDERS.contains(normal.get(1))) {
      String provider = normal.get(1);
      return switch (provider) {
        case "anthropic", "gemini", "cohere", "bedrock" -> provider;
        default -> "openai";
      };
    }
    return "openai";
  }

  private static Set<String> routeNames() {
    Set<String> names = new HashSet<>(Providers.names());
    names.add("model-router");
    return Set.copyOf(names);
  }
}
