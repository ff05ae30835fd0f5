package dev.portcullis.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a soak found: every call classified, the gateway's and the upstream's counts, memory and
 * file descriptors over the run, and the pass criteria. {@link #toMarkdown()} is the report.
 *
 * @param title the report's heading line
 * @param setup lines that say how the run was set up (load, faults, timeouts, key mapping)
 * @param calls calls made (warm-up included)
 * @param warmupCalls of those, the warm-up calls made before the baselines were taken
 * @param correct answered correctly: 200 and exactly the expected content (streams: every chunk
 *     parsed, {@code [DONE]} seen)
 * @param wellFormedErrors failed with an OpenAI-format error (a non-2xx JSON error body, or a
 *     stream that ended with an error event)
 * @param malformed anything else the gateway answered: a 200 with wrong or unparseable content, a
 *     stream that stopped without {@code [DONE]} or an error event
 * @param lost no complete answer at all: a connection reset or closed under the client, a client
 *     timeout
 * @param errorKinds well-formed errors by status and error type
 * @param malformedKinds malformed and lost calls by what the client saw
 * @param examples some malformed or lost calls in full, with what the upstream did for them
 * @param reproductions a command per fault kind that led to a malformed or lost answer
 * @param byFault outcomes by the fault the upstream injected into the call's first request
 * @param gatewayRetries the gateway's retry counter over the run, or null when it has none
 * @param retriesFrom the series it was read from
 * @param gatewayFailovers the gateway's failover counter over the run, or null when it has none
 * @param failoversFrom the series it was read from
 * @param retriedCalls calls whose answer said ({@code x-portcullis-attempts}) it took more than one attempt
 * @param extraAttempts the attempts beyond the first those calls took
 * @param duplicateKinds requests the upstream got after it had begun an answer for their call, by
 *     the fault of the answer begun and what the client finally saw
 * @param duplicateExamples some of those calls in full
 * @param upstreamCounters every {@code portcullis_upstream_*_total} and {@code portcullis_circuit_*_total} series
 *     that changed, by its delta
 * @param upstream the fault upstream's view: requests, retried and failed-over calls, duplicates
 * @param latency percentiles of correct answers, by mode
 * @param samples gateway memory and descriptors over the run
 * @param fdsBefore open descriptors before the load
 * @param fdsAfter open descriptors after it, once idle connections had time to close
 * @param criteria the pass criteria and how each went
 */
public record SoakReport(String title, List<String> setup, long calls, long warmupCalls, long correct,
    long wellFormedErrors, long malformed, long lost, Map<String, Long> errorKinds, Map<String, Long> malformedKinds,
    List<String> examples, List<String> reproductions, List<FaultRow> byFault, Double gatewayRetries,
    String retriesFrom, Double gatewayFailovers, String failoversFrom, long retriedCalls, long extraAttempts,
    Map<String, Long> duplicateKinds, List<String> duplicateExamples, Map<String, Double> upstreamCounters, UpstreamView upstream,
    List<String> latency, List<Sample> samples, int fdsBefore, int fdsAfter, List<Criterion> criteria) {

  /** Outcomes of the calls whose first upstream request got {@code fault}, in one mode. */
  public record FaultRow(String fault, String mode, long calls, long correct, long wellFormedErrors,
      long malformedOrLost, long retriedUpstream) {}

  /** What the fault upstream saw over the run (null fields: not measured). */
  public record UpstreamView(Long requests, Long callsRetried, Long callsFailedOver, Long duplicatesAfterFirstByte,
      Long callsWithDuplicates, Map<String, Long> byKey) {}

  /** One sample of the gateway process at {@code seconds} into the load. */
  public record Sample(long seconds, long rssKb, Double heapBytes, int fds) {}

  /** One pass criterion. */
  public record Criterion(String name, String value, boolean passed) {}

  public boolean passed() {
    return criteria.stream().allMatch(Criterion::passed);
  }

  public long malformedOrLost() {
    return malformed + lost;
  }

  /** The failed criteria, one line each (empty when the run passed). */
  public List<String> failures() {
    List<String> failed = new ArrayList<>();
    criteria.stream().filter(c -> !c.passed()).forEach(c -> failed.add(c.name() + ": " + c.value()));
    return failed;
  }

  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    setup.forEach(line -> md.append(line).append("  \n"));
    md.append("\n## Result: ").append(passed() ? "PASS" : "FAIL").append("\n\n");
    md.append("| criterion | value | pass |\n| --- | --- | --- |\n");
    criteria.forEach(c -> md.append("| ").append(c.name()).append(" | ").append(c.value()).append(" | ")
        .append(c.passed() ? "yes" : "**NO**").append(" |\n"));

    md.append("\n## Calls\n\n| | calls | share |\n| --- | --- | --- |\n");
    row(md, "calls made" + (warmupCalls > 0 ? " (" + warmupCalls + " of them warm-up)" : ""), calls);
    row(md, "answered correctly", correct);
    md.append("| retried (gateway: `").append(retriesFrom).append("`) | ").append(count(gatewayRetries)).append(" | |\n");
    md.append("| retried (gateway: answers with `x-portcullis-attempts` > 1; extra attempts) | ").append(retriedCalls)
        .append(" calls; ").append(extraAttempts).append(" | |\n");
    md.append("| failed over (gateway: `").append(failoversFrom).append("`) | ").append(count(gatewayFailovers))
        .append(" | |\n");
    md.append("| retried (upstream: call ids that arrived more than once) | ").append(count(upstream.callsRetried()))
        .append(" | |\n");
    md.append("| failed over (upstream: call ids that arrived with more than one key) | ")
        .append(count(upstream.callsFailedOver())).append(" | |\n");
    row(md, "failed with a well-formed error", wellFormedErrors);
    row(md, "**malformed or lost** (must be 0)", malformed + lost);
    md.append("| &nbsp;&nbsp;of which malformed (a wrong or broken answer) | ").append(malformed).append(" | |\n");
    md.append("| &nbsp;&nbsp;of which lost (reset, closed or timed out under the client) | ").append(lost).append(" | |\n");
    md.append("| **duplicate upstream side effects after a first byte** (must be 0) | ")
        .append(count(upstream.duplicatesAfterFirstByte())).append(" | |\n");
    md.append("\nUpstream requests: ").append(count(upstream.requests())).append(upstream.byKey().isEmpty() ? ""
        : " (by key: " + upstream.byKey() + ")").append(".\n");
    if (!latency.isEmpty()) {
      md.append("Latency of correct answers (from when each call was due): ").append(String.join("; ", latency)).append(".\n");
    }

    md.append("\n## Well-formed errors\n\n");
    if (errorKinds.isEmpty()) {
      md.append("None.\n");
    } else {
      md.append("| status, error type/code | calls |\n| --- | --- |\n");
      errorKinds.forEach((kind, n) -> md.append("| ").append(kind).append(" | ").append(n).append(" |\n"));
    }

    md.append("\n## By injected fault (the call's first upstream request)\n\n");
    md.append("| fault | mode | calls | correct | well-formed error | malformed or lost | retried upstream |\n");
    md.append("| --- | --- | --- | --- | --- | --- | --- |\n");
    byFault.forEach(r -> md.append("| ").append(r.fault()).append(" | ").append(r.mode()).append(" | ").append(r.calls())
        .append(" | ").append(r.correct()).append(" | ").append(r.wellFormedErrors()).append(" | ")
        .append(r.malformedOrLost() > 0 ? "**" + r.malformedOrLost() + "**" : "0").append(" | ")
        .append(r.retriedUpstream()).append(" |\n"));

    md.append("\n## Malformed or lost\n\n");
    if (malformedKinds.isEmpty()) {
      md.append("None.\n");
    } else {
      md.append("| what the client saw | calls |\n| --- | --- |\n");
      malformedKinds.forEach((kind, n) -> md.append("| ").append(kind).append(" | ").append(n).append(" |\n"));
      md.append("\nExamples (call id, mode, the upstream's requests as fault@key, what the client saw):\n\n");
      examples.forEach(e -> md.append("- ").append(e).append('\n'));
      if (!reproductions.isEmpty()) {
        md.append("\nReproduce one (the same gateway and upstream setup, one call whose upstream answer gets the fault,"
            + " answer printed as received):\n\n```sh\n");
        reproductions.forEach(r -> md.append(r).append('\n'));
        md.append("```\n");
      }
    }

    if (!duplicateKinds.isEmpty()) {
      md.append("\n## Duplicate upstream side effects after a first byte\n\n");
      md.append("Requests the upstream received for a call after it had already written the first body byte of a 200"
          + " answer to an earlier request of that call.\n\n| what happened | requests |\n| --- | --- |\n");
      duplicateKinds.forEach((kind, n) -> md.append("| ").append(kind).append(" | ").append(n).append(" |\n"));
      md.append("\nExamples (the upstream's requests in order, as fault@key):\n\n");
      duplicateExamples.forEach(e -> md.append("- ").append(e).append('\n'));
    }

    md.append("\n## The gateway's upstream counters over the run\n\n");
    if (upstreamCounters.isEmpty()) {
      md.append("No `portcullis_upstream_*_total` or `portcullis_circuit_*_total` series changed (or the metrics port"
          + " was not reachable).\n");
    } else {
      md.append("| series | delta |\n| --- | --- |\n");
      upstreamCounters.forEach((series, delta) -> md.append("| `").append(series).append("` | ")
          .append(number(delta)).append(" |\n"));
    }

    md.append("\n## Gateway memory and file descriptors\n\n| t (s) | RSS (MB) | heap used (MB) | open fds |\n| --- | --- | --- | --- |\n");
    samples.forEach(s -> md.append("| ").append(s.seconds()).append(" | ")
        .append(s.rssKb() < 0 ? "n/a" : String.format(Locale.ROOT, "%.1f", s.rssKb() / 1024.0)).append(" | ")
        .append(s.heapBytes() == null ? "n/a" : String.format(Locale.ROOT, "%.1f", s.heapBytes() / 1048576.0)).append(" | ")
        .append(s.fds() < 0 ? "n/a" : String.valueOf(s.fds())).append(" |\n"));
    md.append("\nOpen fds before the load: ").append(fdsBefore < 0 ? "n/a" : fdsBefore).append("; after it (idle): ")
        .append(fdsAfter < 0 ? "n/a" : fdsAfter).append(".\n");
    return md.toString();
  }

  private void row(StringBuilder md, String name, long n) {
    md.append("| ").append(name).append(" | ").append(n).append(" | ")
        .append(calls == 0 ? "" : String.format(Locale.ROOT, "%.2f%%", 100.0 * n / calls)).append(" |\n");
  }

  private static String count(Number n) {
    return n == null ? "n/a" : number(n.doubleValue());
  }

  private static String number(double d) {
    return d == Math.rint(d) ? String.valueOf((long) d) : String.format(Locale.ROOT, "%.3f", d);
  }
}
