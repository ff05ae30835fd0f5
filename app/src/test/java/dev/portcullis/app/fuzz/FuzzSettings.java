package dev.portcullis.app.fuzz;

/**
 * The fuzz run's size and seed, from system properties so a bigger run or a replay needs no code:
 * {@code -Dportcullis.fuzz.requests=1000000}, {@code -Dportcullis.fuzz.seed=...} (printed by
 * every run), {@code -Dportcullis.fuzz.case=N} (only case N of that seed, for a reproducer).
 */
final class FuzzSettings {

  static final String BODY_LIMIT_SETTING = "256kb";
  static final int BODY_LIMIT = 256 * 1024;
  static final long DRAIN_TIMEOUT_MS = 20_000;

  final int requests = Integer.getInteger("portcullis.fuzz.requests", 100_000);
  final long seed = Long.getLong("portcullis.fuzz.seed", System.nanoTime() ^ System.currentTimeMillis());
  final int onlyCase = Integer.getInteger("portcullis.fuzz.case", -1);
  /** Cases per batch; between batches the gateway must still answer /health and a normal call. */
  final int batch = Integer.getInteger("portcullis.fuzz.batch", 5_000);
  /** Raw-socket workers and HTTP-client calls in flight. */
  final int rawWorkers = Integer.getInteger("portcullis.fuzz.rawWorkers", 24);
  final int clientInFlight = Integer.getInteger("portcullis.fuzz.clientInFlight", 16);
  /** How long a case may wait for its answer before it counts as unanswered. */
  final int answerTimeoutMs = Integer.getInteger("portcullis.fuzz.answerTimeoutMs", 2_000);
  /**
   * Heap margin: after the run and a GC, used heap may exceed the baseline (after warm-up and a
   * GC) by at most this many MiB: room for JIT, meters and pools that grow once, not for garbage.
   */
  final int heapMarginMb = Integer.getInteger("portcullis.fuzz.heapMarginMb", 64);

  String replayHint() {
    return "-Dportcullis.fuzz.seed=" + seed + " -Dportcullis.fuzz.requests=" + requests;
  }
}
