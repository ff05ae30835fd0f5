#!/usr/bin/env bash
# Benchmark: direct-to-mock against through-Portcullis, on loopback.
#
#   bench/run.sh [RATE] [SECONDS]      (defaults: 1000 requests/s, 20 s per measured run)
#   bench/run.sh router [SECONDS] [REPS]   the model router's CPU per call next to passthrough's
#                                          (bench/router-cost.sh, which says more)
#   bench/run.sh limits                    three limit rules on the calling key against none, in the
#                                          shared side-by-side harness (bench/limits-cost.sh)
#   bench/run.sh records                   usage records on (the default) against off, and nginx, in the
#                                          shared side-by-side harness (bench/records-cost.sh)
#   bench/run.sh policies                  a realistic policy document on the proxy against none, in
#                                          the shared side-by-side harness (bench/policies-cost.sh)
#   bench/run.sh soak [RATE] [SECONDS] [FAULT_RATE]   fault soak: calls through a virtual key with two
#                                          provider keys on an upstream that resets, stalls, drips,
#                                          truncates and answers 429/500/503 (bench/soak.sh, which says more)
#
# Starts the mock upstream and Portcullis (the real jar as the README runs it, so with the
# launcher's tuned JVM flags; embedded defaults, passthrough auth),
# then measures at a fixed rate (open loop, latency from each request's due time), the maximum
# throughput (closed loop), and stream time-to-first-byte, each direct and through Portcullis.
# Prints a Markdown report and keeps it under bench/results/.
set -euo pipefail
if [ "${1:-}" = router ]; then
  shift
  exec "$(dirname "$0")/router-cost.sh" "$@"
fi
if [ "${1:-}" = limits ]; then
  shift
  exec "$(dirname "$0")/limits-cost.sh" "$@"
fi
if [ "${1:-}" = records ]; then
  shift
  exec "$(dirname "$0")/records-cost.sh" "$@"
fi
if [ "${1:-}" = policies ]; then
  shift
  exec "$(dirname "$0")/policies-cost.sh" "$@"
fi
if [ "${1:-}" = soak ]; then
  shift
  exec "$(dirname "$0")/soak.sh" "$@"
fi
cd "$(dirname "$0")/.."
RATE=${1:-1000}
SECONDS_PER_RUN=${2:-20}
MOCK_PORT=${MOCK_PORT:-18090}
GW_PORT=${GW_PORT:-19090}

[ -f app/target/portcullis.jar ] && [ -f bench/target/portcullis-bench.jar ] || mvn -B -q package -DskipTests
mkdir -p bench/results
work=$(mktemp -d)
cleanup() { kill "${mock_pid:-}" "${gw_pid:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

java -Xmx512m -cp bench/target/portcullis-bench.jar dev.portcullis.bench.MockUpstream "$MOCK_PORT" > "$work/mock.log" 2>&1 &
mock_pid=$!
PORTCULLIS_PORT=$GW_PORT ARCHESTRA_METRICS_PORT=$((GW_PORT + 50)) PORTCULLIS_ADMIN_PORT=$((GW_PORT + 1)) \
  PORTCULLIS_DATA_DIR="$work/data" PORTCULLIS_LOG_LEVEL=WARN \
  ARCHESTRA_OPENAI_BASE_URL="http://127.0.0.1:$MOCK_PORT/v1" \
  java -jar app/target/portcullis.jar > "$work/gw.log" 2>&1 &
gw_pid=$!
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$GW_PORT/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$GW_PORT/ready" >/dev/null || { cat "$work/gw.log"; exit 1; }

DIRECT="http://127.0.0.1:$MOCK_PORT/v1/chat/completions"
PROXIED="http://127.0.0.1:$GW_PORT/v1/openai/chat/completions"
load() { java -Xmx512m -cp bench/target/portcullis-bench.jar dev.portcullis.bench.LoadGenerator "$@" | tail -n 1; }

# Every rate and ttfb run first warms up for 10 s at the same rate, unmeasured (JIT of the load
# generator, the mock and Portcullis alike).

echo "measuring ..." >&2
direct_rate=$(load rate "$DIRECT" "$RATE" "$SECONDS_PER_RUN")
proxied_rate=$(load rate "$PROXIED" "$RATE" "$SECONDS_PER_RUN")
load max "$DIRECT" 64 5 >/dev/null
direct_max=$(load max "$DIRECT" 64 10)
load max "$PROXIED" 64 5 >/dev/null
proxied_max=$(load max "$PROXIED" 64 10)
direct_ttfb=$(load ttfb "$DIRECT" 100 10)
proxied_ttfb=$(load ttfb "$PROXIED" 100 10)

report=$(python3 - "$direct_rate" "$proxied_rate" "$direct_max" "$proxied_max" "$direct_ttfb" "$proxied_ttfb" "$RATE" <<'PY'
import json, sys, platform, os
dr, pr, dm, pm, dt, pt = (json.loads(a) for a in sys.argv[1:7])
rate = sys.argv[7]
f = lambda x: float(x)
print(f"# Portcullis benchmark\n")
print(f"Machine: {os.cpu_count()} cores, {platform.platform()}. Loopback; mock upstream, Portcullis and the load generator share the machine.\n")
print(f"## Added latency at {rate} requests/s (non-streaming chat completion, open loop)\n")
print("| | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | errors |")
print("| --- | --- | --- | --- | --- | --- | --- |")
for name, r in (("direct to mock", dr), ("through Portcullis", pr)):
    print(f"| {name} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | {r['p999_ms']} | {r['max_ms']} | {r['errors']} |")
print(f"| **added** | **{f(pr['p50_ms'])-f(dr['p50_ms']):.3f}** | {f(pr['p90_ms'])-f(dr['p90_ms']):.3f} | **{f(pr['p99_ms'])-f(dr['p99_ms']):.3f}** | {f(pr['p999_ms'])-f(dr['p999_ms']):.3f} | | |\n")
print("## Maximum throughput (closed loop, 64 connections, 10 s)\n")
print("| | requests/s | p50 ms | p99 ms | errors |")
print("| --- | --- | --- | --- | --- |")
for name, r in (("direct to mock", dm), ("through Portcullis", pm)):
    print(f"| {name} | {r['throughput_rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} |")
print("\n## Stream time to first byte (100 streams/s, 10 s)\n")
print("| | p50 ms | p99 ms | errors |")
print("| --- | --- | --- | --- |")
for name, r in (("direct to mock", dt), ("through Portcullis", pt)):
    print(f"| {name} | {r['p50_ms']} | {r['p99_ms']} | {r['errors']} |")
print(f"| **added** | **{f(pt['p50_ms'])-f(dt['p50_ms']):.3f}** | {f(pt['p99_ms'])-f(dt['p99_ms']):.3f} | |")
PY
)
echo "$report"
echo "$report" > "bench/results/$(date -u +%Y%m%dT%H%M%SZ).md"
